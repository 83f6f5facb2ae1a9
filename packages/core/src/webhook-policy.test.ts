import { describe, expect, it } from "vitest";
import { webhookOrigin, webhookUrlProblem } from "./webhook-policy.js";

const problem = (url: string, policy = {}) => webhookUrlProblem(new URL(url), policy);

describe("webhookUrlProblem", () => {
  it("lets a public http(s) URL through", () => {
    expect(problem("https://hooks.example.com/producer?x=1")).toBeUndefined();
    expect(problem("http://hooks.example.com:8080/")).toBeUndefined();
    expect(problem("http://93.184.215.14/hook")).toBeUndefined();
  });

  it("refuses other schemes and credentials", () => {
    expect(problem("ftp://example.com/")).toBe("must be an http(s) URL");
    expect(problem("http://user:pw@example.test/")).toBe("must not carry a user name or password");
    expect(problem("http://user@example.test/")).toBe("must not carry a user name or password");
    expect(problem("http://:pw@example.test/")).toBe("must not carry a user name or password");
  });

  it("refuses a literal address in a refused range, however it is spelled", () => {
    const spellings = {
      "must not point at a loopback address (127.0.0.1)": [
        "http://127.0.0.1:8080/hook",
        "http://0x7f000001/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://127.1/",
      ],
      "must not point at a loopback address (::1)": ["http://[::1]:9000/"],
      "must not point at a loopback address (::ffff:7f00:1)": ["http://[::ffff:127.0.0.1]/"],
      "must not point at a cloud metadata address (169.254.169.254)": ["http://169.254.169.254/latest/meta-data"],
      "must not point at a cloud metadata address (fd00:ec2::254)": ["http://[fd00:ec2::254]/"],
      "must not point at a private address (10.0.0.1)": ["http://10.0.0.1/"],
      "must not point at an unspecified address (0.0.0.0)": ["http://0.0.0.0/"],
    };
    for (const [expected, urls] of Object.entries(spellings)) {
      for (const url of urls) expect(problem(url), url).toBe(expected);
    }
  });

  it("lets loopback and private literals through when allowed, never metadata", () => {
    const policy = { allowPrivateAddresses: true };
    expect(problem("http://127.0.0.1:8080/hook", policy)).toBeUndefined();
    expect(problem("http://[::1]:8080/hook", policy)).toBeUndefined();
    expect(problem("http://192.168.1.20/hook", policy)).toBeUndefined();
    expect(problem("http://169.254.169.254/", policy)).toMatch(/cloud metadata/);
    expect(problem("http://[::ffff:a9fe:a9fe]/", policy)).toMatch(/cloud metadata/);
  });

  it("holds to the allow-list when one is set, by host or host:port", () => {
    const policy = { allowedHosts: ["hooks.example.com", "other.example.com:8443", "Bücher.example"] };
    expect(problem("https://hooks.example.com/a", policy)).toBeUndefined();
    expect(problem("https://HOOKS.example.com./a", policy)).toBeUndefined();
    expect(problem("http://hooks.example.com:9999/a", policy)).toBeUndefined();
    expect(problem("https://other.example.com:8443/", policy)).toBeUndefined();
    expect(problem("https://other.example.com/", policy)).toBe(
      "must name a host in webhooks.allowedHosts (other.example.com is not one)",
    );
    expect(problem("https://xn--bcher-kva.example/", policy)).toBeUndefined();
    expect(problem("https://evil.example.com/", policy)).toMatch(/webhooks\.allowedHosts/);
    expect(problem("https://hooks.example.com.evil.test/", policy)).toMatch(/webhooks\.allowedHosts/);
    expect(problem("https://example.com:443/", { allowedHosts: ["example.com:443"] })).toBeUndefined();
    expect(problem("http://example.com/", { allowedHosts: ["example.com:80"] })).toBeUndefined();
    expect(problem("https://example.com/", { allowedHosts: [] })).toBeUndefined();
  });

  it("still refuses a refused literal that is on the allow-list", () => {
    expect(problem("http://127.0.0.1:8080/", { allowedHosts: ["127.0.0.1:8080"] })).toMatch(/loopback/);
  });
});

describe("webhookOrigin", () => {
  it("keeps the scheme, host and port, and drops credentials, path and query", () => {
    expect(webhookOrigin("http://user:pw@example.test/hook?token=t#f")).toBe("http://example.test:80");
    expect(webhookOrigin("https://example.test/hook")).toBe("https://example.test:443");
    expect(webhookOrigin("http://[::1]:8080/x")).toBe("http://[::1]:8080");
    expect(webhookOrigin("not a url with a secret")).toBe("(an invalid URL)");
  });
});
