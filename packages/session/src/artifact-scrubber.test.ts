import fs from "node:fs";
import path from "node:path";
import { withTempDir } from "@producer/utils";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { ArtifactScrubber, REDACTED, redactByName } from "./artifact-scrubber.js";
import { artifactHoldsSecret } from "./failure-artifacts.js";
import { secretsOfLoginStates } from "./login-secrets.js";
import type { LoginState } from "./login-state.js";

const ACCESS = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl-_x";
const REFRESH = "VWypg-KZfB7T";

describe("scrubbing by value", () => {
  const scrubber = new ArtifactScrubber([ACCESS, REFRESH, "short"]);

  it("replaces every secret as is, percent-encoded and JSON-escaped, and leaves short values alone", () => {
    const plain = `a ${ACCESS} b ${REFRESH} c short`;
    expect(scrubber.scrubText(plain)).toBe(`a ${REDACTED} b ${REDACTED} c short`);
    const odd = 'p@ss/w"rd+1';
    const scrub = new ArtifactScrubber([odd]);
    expect(scrub.scrubText(`x=${encodeURIComponent(odd)};`)).toBe(`x=${REDACTED};`);
    expect(scrub.scrubText(JSON.stringify({ note: odd }))).toBe(`{"note":"${REDACTED}"}`);
    expect(scrub.scrubText(JSON.stringify(JSON.stringify({ note: odd })))).not.toContain("p@ss");
  });

  it("replaces a joined value before the chunks inside it", () => {
    const joined = "base64-AAAAAAAAAABBBBBBBBBB";
    const scrub = new ArtifactScrubber(["base64-AAAAAAAAA", "ABBBBBBBBBB", joined]);
    expect(scrub.scrubText(`j=${joined} c0=base64-AAAAAAAAA c1=ABBBBBBBBBB`)).toBe(
      `j=${REDACTED} c0=${REDACTED} c1=${REDACTED}`,
    );
  });

  it("overwrites secrets in binary bytes in place, keeping the length", () => {
    const bytes = Buffer.concat([Buffer.from([0, 255, 1]), Buffer.from(REFRESH), Buffer.from([0, 2])]);
    const scrubbed = scrubber.scrubBytes(bytes);
    expect(scrubbed.length).toBe(bytes.length);
    expect(Buffer.from(scrubbed).includes(REFRESH)).toBe(false);
    expect(
      Buffer.from(scrubbed)
        .subarray(3, 3 + REFRESH.length)
        .toString(),
    ).toBe("*".repeat(REFRESH.length));
    const clean = Buffer.from([0, 1, 2, 3]);
    expect(scrubber.scrubBytes(clean)).toBe(clean);
  });
});

describe("scrubbing by name", () => {
  it("redacts credential headers as raw lines, JSON fields and HAR pairs, whatever their value", () => {
    const raw =
      "GET / HTTP/1.1\r\nHost: a\r\nCookie: theme=dark; other=1\r\nAuthorization: Basic dXNlcg==\r\nX-API-Key: k\r\nAccept: */*\r\n";
    expect(redactByName(raw)).toBe(
      `GET / HTTP/1.1\r\nHost: a\r\nCookie: ${REDACTED}\r\nAuthorization: ${REDACTED}\r\nX-API-Key: ${REDACTED}\r\nAccept: */*\r\n`,
    );
    const har = {
      headers: [
        { name: "Cookie", value: "a=1; b=2" },
        { name: "set-cookie", value: "sid=xyz; Path=/\nother=1" },
        { name: "Proxy-Authorization", value: "Digest abc" },
        { name: "Accept", value: "text/html" },
      ],
      cookies: [
        { name: "sb-abc-auth-token.0", value: "base64-chunk" },
        { name: "theme", value: "dark" },
      ],
      queryString: [
        { value: "c0de", name: "code" },
        { name: "page", value: "2" },
      ],
    };
    const scrubbed = JSON.parse(redactByName(JSON.stringify(har))) as typeof har;
    expect(scrubbed.headers.map((header) => header.value)).toEqual([REDACTED, REDACTED, REDACTED, "text/html"]);
    expect(scrubbed.cookies.map((cookie) => cookie.value)).toEqual([REDACTED, "dark"]);
    expect(scrubbed.queryString.map((param) => param.value)).toEqual([REDACTED, "2"]);
  });

  it("redacts token fields at any JSON escape depth, and keeps the JSON valid", () => {
    const session = {
      access_token: 'a"b\\c',
      refresh_token: "r",
      provider_token: "p",
      provider_refresh_token: "pr",
      id_token: "i",
      expires_at: 5,
      token_type: "bearer",
    };
    const once = JSON.stringify(session);
    expect(JSON.parse(redactByName(once))).toEqual({
      ...session,
      access_token: REDACTED,
      refresh_token: REDACTED,
      provider_token: REDACTED,
      provider_refresh_token: REDACTED,
      id_token: REDACTED,
    });
    const nested = JSON.stringify({ postData: { text: once }, twice: JSON.stringify({ text: once }) });
    const parsed = JSON.parse(redactByName(nested)) as { postData: { text: string }; twice: string };
    expect(JSON.parse(parsed.postData.text)).toMatchObject({
      access_token: REDACTED,
      refresh_token: REDACTED,
      expires_at: 5,
    });
    expect(JSON.parse((JSON.parse(parsed.twice) as { text: string }).text)).toMatchObject({
      id_token: REDACTED,
      token_type: "bearer",
    });
    // Not a string: nothing to hide, and nothing to break.
    expect(redactByName('{"access_token":null,"refresh_token":12}')).toBe('{"access_token":null,"refresh_token":12}');
  });

  it("redacts keys that name a credential, and a page.evaluate argument's token as the trace records it", () => {
    const payload = {
      token: "t-1",
      csrfToken: "t-2",
      client_secret: "t-3",
      password: "t-4",
      token_type: "bearer",
      tokens: 2,
    };
    expect(JSON.parse(redactByName(JSON.stringify(payload)))).toEqual({
      ...payload,
      token: REDACTED,
      csrfToken: REDACTED,
      client_secret: REDACTED,
      password: REDACTED,
    });
    const arg = {
      arg: {
        value: {
          o: [
            { k: "url", v: { s: "/__api/clips" } },
            { k: "token", v: { s: "abc.def" } },
          ],
        },
      },
    };
    const line = JSON.stringify({ type: "before", params: JSON.stringify(arg) });
    const scrubbed = JSON.parse(JSON.parse(redactByName(line)).params as string) as typeof arg;
    expect(scrubbed.arg.value.o.map((property) => property.v.s)).toEqual(["/__api/clips", REDACTED]);
  });

  it("redacts them inside an HTML attribute's JSON", () => {
    expect(redactByName('<div data-s="{&quot;access_token&quot;:&quot;zz&quot;,&quot;a&quot;:&quot;b&quot;}">')).toBe(
      `<div data-s="{&quot;access_token&quot;:&quot;${REDACTED}&quot;,&quot;a&quot;:&quot;b&quot;}">`,
    );
  });

  it("redacts credential URL parameters in every spelling of a URL, and no others", () => {
    expect(redactByName("https://x/cb?code=abc&state=s#access_token=t1&refresh_token=t2&expires_in=3600")).toBe(
      `https://x/cb?code=${REDACTED}&state=s#access_token=${REDACTED}&refresh_token=${REDACTED}&expires_in=3600`,
    );
    expect(redactByName('<a href="/f?key=k1&amp;sig=s1&amp;X-Amz-Signature=s2&amp;page=2">')).toBe(
      `<a href="/f?key=${REDACTED}&amp;sig=${REDACTED}&amp;X-Amz-Signature=${REDACTED}&amp;page=2">`,
    );
    expect(redactByName('"/f?a=1\\u0026token=t\\u0026apikey=k\\u0026authToken=q"')).toBe(
      `"/f?a=1\\u0026token=${REDACTED}\\u0026apikey=${REDACTED}\\u0026authToken=${REDACTED}"`,
    );
    expect(redactByName("grant_type=refresh_token&refresh_token=r1")).toBe(
      `grant_type=refresh_token&refresh_token=${REDACTED}`,
    );
    expect(redactByName("/m?postcode=1&monkey=2&keyboard=3")).toBe("/m?postcode=1&monkey=2&keyboard=3");
  });

  it("redacts Bearer tokens and Supabase auth cookies wherever they are written", () => {
    expect(redactByName(`log: sent Bearer ${ACCESS} to /api`)).toBe(`log: sent Bearer ${REDACTED} to /api`);
    expect(redactByName("theme=dark; sb-ref-auth-token.0=base64-x; sb-ref-auth-token.1=yy")).toBe(
      `theme=dark; sb-ref-auth-token.0=${REDACTED}; sb-ref-auth-token.1=${REDACTED}`,
    );
    expect(redactByName('{"token_type":"bearer"}')).toBe('{"token_type":"bearer"}');
  });
});

describe("zips and files", () => {
  const zip = () =>
    zipSync({
      "trace.trace": strToU8(`{"type":"before","params":{"url":"/x?token=${REFRESH}"}}\n`),
      "trace.network": strToU8(`{"snapshot":{"headers":[{"name":"authorization","value":"Bearer ${ACCESS}"}]}}\n`),
      "resources/abc.json": strToU8(JSON.stringify({ refresh_token: REFRESH, note: `kept ${ACCESS}` })),
      "resources/shot.jpeg": Buffer.concat([
        Buffer.from([0xff, 0xd8, 0, 1]),
        Buffer.from(ACCESS),
        Buffer.from([0xff, 0xd9]),
      ]),
    });

  it("rewrites every entry under the same name, text as text and binary byte for byte", async () => {
    const scrubber = new ArtifactScrubber([ACCESS, REFRESH]);
    const before = zip();
    expect(await scrubber.holdsSecretInContent(before)).toBe(true);
    const after = await scrubber.scrubZip(before);
    expect(await scrubber.holdsSecretInContent(after)).toBe(false);
    const entries = unzipSync(after);
    expect(Object.keys(entries)).toEqual(Object.keys(unzipSync(before)));
    expect(JSON.parse(strFromU8(entries["resources/abc.json"] as Uint8Array))).toEqual({
      refresh_token: REDACTED,
      note: `kept ${REDACTED}`,
    });
    expect(strFromU8(entries["trace.network"] as Uint8Array)).toContain(`"value":"${REDACTED}"`);
    const jpeg = entries["resources/shot.jpeg"] as Uint8Array;
    expect(jpeg.length).toBe(6 + ACCESS.length);
    expect([...jpeg.subarray(0, 4)]).toEqual([0xff, 0xd8, 0, 1]);
  });

  it("tells whether a file holds a secret, looking inside a zip's compressed entries", async () => {
    await withTempDir(
      async (dir) => {
        const trace = path.join(dir, "trace.zip");
        fs.writeFileSync(trace, zip());
        // Deflated: the raw file does not show the secret, its entries do.
        expect(fs.readFileSync(trace).includes(ACCESS)).toBe(false);
        expect(await artifactHoldsSecret(trace, [ACCESS])).toBe(true);
        expect(await artifactHoldsSecret(trace, ["not-in-there-at-all"])).toBe(false);
        const html = path.join(dir, "page.html");
        fs.writeFileSync(html, `<p>${encodeURIComponent(`${REFRESH}/`)}</p>`);
        expect(await artifactHoldsSecret(html, [`${REFRESH}/`])).toBe(true);
        expect(await artifactHoldsSecret(html, [])).toBe(false);
        await expect(artifactHoldsSecret(path.join(dir, "absent"), [ACCESS])).rejects.toThrow();
      },
      { prefix: "scrub-" },
    );
  });
});

describe("the secrets of a login state", () => {
  it("are every cookie value, the auth cookie's chunks joined, and the tokens inside", () => {
    const session = {
      access_token: ACCESS,
      refresh_token: REFRESH,
      provider_token: "provider-token-value",
      expires_at: 1,
    };
    const value = `base64-${Buffer.from(JSON.stringify(session)).toString("base64url")}`;
    const cookie = (name: string, cookieValue: string) => ({
      name,
      value: cookieValue,
      domain: "x",
      path: "/",
      expires: -1,
      httpOnly: false,
      secure: false,
      sameSite: "Lax" as const,
    });
    const state: LoginState = {
      cookies: [
        cookie("sb-r-auth-token.1", value.slice(20)),
        cookie("sb-r-auth-token.0", value.slice(0, 20)),
        cookie("theme", "dark"),
      ],
      origins: [
        {
          origin: "http://x",
          localStorage: [{ name: "sb-r-auth-token", value: JSON.stringify({ access_token: "from-local-storage" }) }],
        },
      ],
    };
    const secrets = secretsOfLoginStates([state, undefined]);
    expect(secrets).toEqual(
      expect.arrayContaining([
        value.slice(0, 20),
        value.slice(20),
        value,
        ACCESS,
        REFRESH,
        "provider-token-value",
        "dark",
        "from-local-storage",
      ]),
    );
    expect(new Set(secrets).size).toBe(secrets.length);
  });
});
