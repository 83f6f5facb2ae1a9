/// <reference lib="dom" />
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright";
import type { Job, Track } from "@producer/core";
import { ProducerClient } from "@producer/core/client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestDaemon, type TestDaemon } from "./process-harness.js";
import { launchPageBrowser } from "./status-browser.js";

// The status page's song operations in real Chromium, against a daemon driving the simulator: a song's lineage,
// its Extend button queuing exactly one job however often it is clicked, a refusal shown as its code and message,
// and a POST from another site's page refused.

const TOKEN = "status-operations-token-0123456789";
const ARTIFACTS = process.env.PRODUCER_TEST_REPORT_DIR ?? path.join(os.tmpdir(), "producer-test-artifacts");
let daemon: TestDaemon;
let browser: Browser;
let client: ProducerClient;
let source: Track;

beforeAll(async () => {
  daemon = await startTestDaemon({
    name: "status-operations",
    token: TOKEN,
    simulator: { generationMs: 300, maxAudioSecs: 4 },
  });
  client = new ProducerClient({ baseUrl: daemon.baseUrl, token: TOKEN });
  browser = await launchPageBrowser(daemon.env);
  const made = (await client.generateMusic({ prompt: "the source song", title: "Source Song" })) as { jobId: string };
  const job = await client.waitForJob(made.jobId, { timeoutMs: 60_000 });
  expect(job.status).toBe("succeeded");
  source = job.tracks[0] as Track;
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await daemon?.close();
});

/** A page signed in the way `producer open` does it: a one-time link minted over the socket. */
async function signedInPage(): Promise<Page> {
  const owner = new ProducerClient({ socketPath: path.join(daemon.dataDir, "producer.sock"), token: TOKEN });
  const { url } = await owner.signInLink();
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(url);
  await expect.poll(() => page.locator("#summary").textContent(), { timeout: 10_000 }).toMatch(/queued/);
  return page;
}

const operationJobs = async (kind: string): Promise<Job[]> =>
  (await client.listJobs({ limit: 50 })).jobs.filter((job) => job.input.operation?.kind === kind);

describe("the status page's song operations", () => {
  it("queues one extend from a song's Extend button, even on a double click, and shows its lineage", async () => {
    const page = await signedInPage();
    const posts: string[] = [];
    page.on("request", (request) => {
      if (request.method() === "POST" && new URL(request.url()).pathname === "/v1/operations")
        posts.push(request.postData() ?? "");
    });
    const editsBefore = daemon.site.stats.flow.toolCalls.audio__render_edit ?? 0;
    const row = page.locator(`#track-rows li[data-track="${source.id}"]`);
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    expect(
      await row.getByRole("group", { name: "Operations on Source Song" }).getByRole("button").allTextContents(),
    ).toEqual(["Extend", "Replace", "Cover", "Stems", "Trim", "Speed", "Convert"]);

    await row.getByRole("button", { name: "Extend", exact: true }).click();
    const form = row.getByRole("form", { name: "Extend Source Song" });
    expect(await form.locator(".cost").textContent()).toBe(
      "Makes a new song and spends about a song's credits (5 per song made on the flow-2026 site).",
    );
    await form.getByLabel("Seconds to add (1–240)").fill("12");
    const submit = form.getByRole("button", { name: "Queue extend" });
    await submit.dblclick();
    await expect.poll(() => form.getByRole("status").textContent(), { timeout: 15_000 }).toMatch(/^Queued as job /);
    expect(await submit.isDisabled()).toBe(true);
    const shown = (await form.getByRole("status").textContent())?.match(/^Queued as job (\S+)\.$/)?.[1];

    // One request, one job: the extend of our track, the one the form names.
    expect(posts).toHaveLength(1);
    expect(JSON.parse(posts[0] as string)).toMatchObject({
      operation: { kind: "extend", seconds: 12 },
      source: { trackId: source.id },
      idempotencyKey: expect.stringMatching(/^status-page-[0-9a-f]{32}$/),
    });
    const jobs = await operationJobs("extend");
    expect(jobs).toHaveLength(1);
    const extend = jobs[0] as Job;
    expect(extend.id).toBe(shown);
    expect(extend.input.source?.trackId).toBe(source.id);

    const done = await client.waitForJob(extend.id, { timeoutMs: 60_000 });
    expect(done.status).toBe("succeeded");
    expect(daemon.site.stats.flow.toolCalls.audio__render_edit ?? 0).toBe(editsBefore + 1);
    expect(posts).toHaveLength(1);

    // The new song names its source with a link to the source's row; the source counts what was made from it.
    const made = done.tracks[0] as Track;
    expect(made).toMatchObject({ operation: "extend", sourceTrackId: source.id });
    const lineage = page.locator(`#track-rows li[data-track="${made.id}"] [data-cell="lineage"]`);
    await expect.poll(() => lineage.textContent(), { timeout: 10_000 }).toBe("extend of Source Song");
    expect(await lineage.getByRole("link", { name: "Source Song" }).getAttribute("href")).toBe(`#track-${source.id}`);
    expect(await row.locator('[data-cell="lineage"]').textContent()).toMatch(/^\d+ songs? made from it$/);
    const jobRow = page.locator(`#job-rows tr[data-job="${extend.id}"]`);
    await expect.poll(() => jobRow.locator(".kind").textContent(), { timeout: 10_000 }).toBe("extend");
    await lineage.getByRole("link").click();
    expect(new URL(page.url()).hash).toBe(`#track-${source.id}`);
    await page.close();
  }, 120_000);

  it("shows a refused operation's code and message and gives the button back; another site's POST is refused", async () => {
    const page = await signedInPage();
    const row = page.locator(`#track-rows li[data-track="${source.id}"]`);
    await row.getByRole("button", { name: "Trim", exact: true }).click();
    const form = row.getByRole("form", { name: "Trim Source Song" });
    expect(await form.locator(".cost").textContent()).toBe("Makes new clips; the site may charge for them.");
    await form.getByLabel("Up to second").fill("3000");
    const submit = form.getByRole("button", { name: "Queue trim" });
    await submit.click();
    const outcome = form.getByRole("status");
    await expect
      .poll(() => outcome.textContent(), { timeout: 10_000 })
      .toMatch(/^INVALID_INPUT: .*operation\.endSecs must be inside the song/);
    expect(await outcome.textContent()).not.toMatch(/\n\s+at /);
    expect(await submit.isDisabled()).toBe(false);
    expect(await operationJobs("trim")).toHaveLength(0);

    // The session cookie from a page of another site, or a form's body that is not JSON: refused, nothing queued.
    const cookie = (await page.context().cookies()).find((entry) => entry.name === "producer_token");
    expect(cookie?.sameSite).toBe("Strict");
    const body = JSON.stringify({ operation: { kind: "stems" }, source: { trackId: source.id } });
    const headers = { cookie: `producer_token=${cookie?.value}` };
    const forged = await fetch(new URL("/v1/operations", daemon.baseUrl), {
      method: "POST",
      headers: { ...headers, origin: "http://evil.example", "content-type": "application/json" },
      body,
    });
    expect(forged.status).toBe(403);
    const asForm = await fetch(new URL("/v1/operations", daemon.baseUrl), {
      method: "POST",
      headers: { ...headers, origin: daemon.baseUrl, "content-type": "text/plain" },
      body,
    });
    expect(asForm.status).toBe(400);
    expect(((await asForm.json()) as { error: { code: string } }).error.code).toBe("INVALID_INPUT");
    expect(await operationJobs("stems")).toHaveLength(0);

    // On a phone an open form fits the screen, and every control in it is named.
    await page.setViewportSize({ width: 390, height: 844 });
    await row.getByRole("button", { name: "Convert", exact: true }).click();
    const convert = row.getByRole("form", { name: "Convert Source Song" });
    expect(await convert.locator(".cost").textContent()).toBe("Free: the site converts the song on download.");
    expect(await convert.getByLabel("Format").locator("option").allTextContents()).not.toContain(source.format);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const unnamed = await page.evaluate(
      () =>
        [
          ...document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLButtonElement>(
            ".operation-form input, .operation-form select, .operations button",
          ),
        ].filter((element) => !(element.labels?.length || element.textContent?.trim())).length,
    );
    expect(unnamed).toBe(0);
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, "status-page-operations-phone.png"), fullPage: true });
    await page.close();
  }, 60_000);
});
