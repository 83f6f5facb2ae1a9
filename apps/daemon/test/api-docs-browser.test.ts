/// <reference lib="dom" />
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser } from "playwright";
import { loadConfig } from "@producer/config";
import { ProducerService } from "@producer/core";
import { createTeardown } from "@producer/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeServer, createApp, listenOnTcp } from "../src/index.js";
import { launchPageBrowser } from "./status-browser.js";

// The API reference at /docs in real Chromium, over TCP with the token's cookie like the status page: the page
// lists the operations from /openapi.json with its script served by the daemon, no request leaves the daemon,
// and the page's Content-Security-Policy (its own origin; a nonce for the inline starter) blocks nothing it needs.

const TOKEN = "api-docs-token-0123456789abcdef";
const ARTIFACTS = process.env.PRODUCER_TEST_REPORT_DIR ?? path.join(os.tmpdir(), "producer-test-artifacts");
const teardown = createTeardown();
let baseUrl: string;
let browser: Browser;

beforeAll(async () => {
  const config = loadConfig({
    env: {},
    configFile: false,
    overrides: { paths: { dataDir: teardown.tempDir("producer-docs-") }, daemon: { token: TOKEN } },
  }).config;
  const service = await ProducerService.create({ config });
  teardown.add(() => service.close({ graceMs: 0 }));
  const { server, port } = await listenOnTcp(createApp({ config, service, tcpToken: TOKEN }), {
    host: "127.0.0.1",
    port: 0,
    tokenConfigured: true,
  });
  teardown.add(() => closeServer(server));
  baseUrl = `http://127.0.0.1:${port}`;
  browser = await launchPageBrowser({});
  teardown.add(() => browser.close());
}, 60_000);
afterAll(() => teardown.run());

describe("the API reference page", () => {
  it("asks for the token first, like the status page", async () => {
    const page = await browser.newPage();
    const answer = await page.goto(`${baseUrl}/docs`);
    expect(answer?.status()).toBe(401);
    expect(await page.getByLabel("The daemon's token").count()).toBe(1);
    expect((await page.request.get(`${baseUrl}/docs/scalar.js`)).status()).toBe(401);
    await page.close();
  });

  it("lists the operations, with every request to the daemon and nothing blocked by its policy", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addCookies([{ name: "producer_token", value: TOKEN, url: baseUrl, httpOnly: true }]);
    const page = await context.newPage();
    const requests: string[] = [];
    const failed: string[] = [];
    page.on("request", (request) => requests.push(request.url()));
    page.on("requestfailed", (request) => failed.push(`${request.url()} ${request.failure()?.errorText}`));
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { violations: string[] }).violations = seen;
      document.addEventListener("securitypolicyviolation", (event) =>
        seen.push(
          `${event.violatedDirective} ${event.blockedURI} ${event.sample} ${event.lineNumber}:${event.columnNumber}`,
        ),
      );
    });

    const answer = await page.goto(`${baseUrl}/docs`);
    expect(answer?.status()).toBe(200);
    const policy = answer?.headers()["content-security-policy"] ?? "";
    expect(policy).toMatch(/^default-src 'none'; script-src 'self' 'nonce-[^']+'/);
    expect(policy).not.toMatch(/https?:|unsafe-eval/);
    expect(policy.split("; ").find((part) => part.startsWith("script-src"))).not.toContain("unsafe-inline");

    const summary = page.getByText("Generate music (queued, or direct with useQueue: false)").first();
    await expect.poll(() => summary.isVisible(), { timeout: 30_000 }).toBe(true);
    await expect.poll(() => page.getByText("/v1/accounts/{name}/pause").first().count(), { timeout: 10_000 }).toBe(1);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "api-reference.png") });

    const elsewhere = requests.filter((url) => !url.startsWith(`${baseUrl}/`) && !url.startsWith("data:"));
    expect(elsewhere).toEqual([]);
    expect(failed).toEqual([]);
    expect(requests).toEqual(expect.arrayContaining([`${baseUrl}/docs/scalar.js`, `${baseUrl}/openapi.json`]));
    // The only report: the bundle's zod probing whether it may compile with Function() (it falls back when not).
    const violations = await page.evaluate(() => (window as unknown as { violations: string[] }).violations);
    expect(violations.filter((violation) => !violation.startsWith("script-src eval"))).toEqual([]);
    await context.close();
  }, 90_000);
});
