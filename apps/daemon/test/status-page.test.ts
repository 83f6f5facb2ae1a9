/// <reference lib="dom" />
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Browser, Page } from "playwright";
import { ProducerClient } from "@producer/core/client";
import { withSettings } from "@producer/test-utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestDaemon, type TestDaemon } from "./process-harness.js";
import { launchPageBrowser } from "./status-browser.js";

// The status page in real Chromium: sign in with the token, watch a job go from queued to done with its live
// step, play its song, cancel a job from the keyboard, follow a failure to its screenshot. Screenshots of the
// page are kept in the test report folder.

const TOKEN = "status-page-token-0123456789";
const ARTIFACTS = process.env.PRODUCER_TEST_REPORT_DIR ?? path.join(os.tmpdir(), "producer-test-artifacts");
let daemon: TestDaemon;
let browser: Browser;
let client: ProducerClient;

beforeAll(async () => {
  daemon = await startTestDaemon({ name: "status", token: TOKEN, simulator: { generationMs: 2500 } });
  client = new ProducerClient({ baseUrl: daemon.baseUrl, token: TOKEN });
  browser = await launchPageBrowser(daemon.env);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await daemon?.close();
});

async function signIn(page: Page): Promise<void> {
  const first = await page.goto(daemon.baseUrl);
  expect(first?.status()).toBe(401);
  await page.getByLabel("The daemon's token").fill(TOKEN);
  await page.keyboard.press("Enter");
  await expect.poll(() => page.getByRole("heading", { level: 1, name: "producer" }).isVisible()).toBe(true);
  await expect.poll(() => page.locator("#summary").textContent(), { timeout: 10_000 }).toMatch(/queued/);
}

const jobRow = (page: Page, prompt: string) => page.locator("#job-rows tr", { hasText: prompt });

describe("the status page", () => {
  it("signs in with the token, shows a job queued then running then done, and plays its song", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page);
    const before = daemon.site.stats.generations;
    const first = await client.generateMusic({ prompt: "first in line", title: "First Song" });
    const second = await client.generateMusic({ prompt: "second in line", title: "Status Song" });

    // Queued, with its position, while the first runs with its live step.
    const queuedRow = page.locator("#queue-rows tr", { hasText: "second in line" });
    await expect.poll(() => queuedRow.textContent(), { timeout: 15_000 }).toMatch(/^1.*queued/);
    await expect
      .poll(() => page.locator("#running-rows li", { hasText: "first in line" }).locator(".step").textContent(), {
        timeout: 15_000,
      })
      .toMatch(/^(generating|downloading|uploading|recording)/);
    await page.screenshot({ path: path.join(ARTIFACTS, "status-page-running.png"), fullPage: true });

    // Done: the row says so, the queue is empty, and the song plays.
    await expect
      .poll(() => jobRow(page, "second in line").locator('[data-cell="status"]').textContent(), { timeout: 60_000 })
      .toBe("succeeded");
    expect(await jobRow(page, "first in line").locator('[data-cell="status"]').textContent()).toBe("succeeded");
    await expect.poll(() => page.locator("#queue-rows tr").count()).toBe(0);
    const job = await client.getJob("jobId" in second ? second.jobId : "");
    const track = job.tracks[1];
    if (!track) throw new Error("the job stored no second song");
    const audio = page.locator(`audio[src="/v1/tracks/${track.id}/audio"]`);
    expect(await audio.getAttribute("aria-label")).toBe("Play Status Song");
    await expect.poll(() => audio.count(), { timeout: 10_000 }).toBeGreaterThan(0);
    const duration = await audio.evaluate(
      (element: HTMLAudioElement) =>
        new Promise<number>((resolve, reject) => {
          if (element.readyState >= 1) resolve(element.duration);
          element.addEventListener("loadedmetadata", () => resolve(element.duration), { once: true });
          element.addEventListener("error", () => reject(new Error(`audio error ${element.error?.code}`)), {
            once: true,
          });
        }),
    );
    expect(duration).toBeGreaterThan(0.5);
    expect(Math.abs(duration - track.durationSecs)).toBeLessThan(0.05);
    const played = await audio.evaluate(async (element: HTMLAudioElement) => {
      await element.play();
      await new Promise((resolve) => setTimeout(resolve, 600));
      element.pause();
      const playedTo = element.currentTime;
      // Seeking works (the daemon answers byte ranges).
      element.currentTime = element.duration / 2;
      await new Promise((resolve) => element.addEventListener("seeked", resolve, { once: true }));
      return {
        playedTo,
        seekable: element.seekable.length > 0 ? element.seekable.end(0) : 0,
        at: element.currentTime,
        duration: element.duration,
      };
    });
    expect(played.playedTo).toBeGreaterThan(0);
    expect(played.seekable).toBeCloseTo(played.duration, 1);
    expect(played.at).toBeCloseTo(played.duration / 2, 1);
    expect(daemon.site.stats.generations - before).toBe(2);
    // The balance the last generation left (480 after two at 10), not the one read when the daemon started.
    expect(daemon.site.credits()).toBe(480);
    await expect
      .poll(() => page.locator("#account-rows tr", { hasText: "default" }).textContent(), { timeout: 10_000 })
      .toMatch(/480 credits/);
    expect("jobId" in first).toBe(true);

    await page.screenshot({ path: path.join(ARTIFACTS, "status-page.png"), fullPage: true });
    expect(fs.statSync(path.join(ARTIFACTS, "status-page.png")).size).toBeGreaterThan(10_000);
    await page.close();
  }, 120_000);

  it("cancels a queued job from the keyboard, and nothing of it reaches the site", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page);
    try {
      await withSettings(daemon.site.settings, { generationMs: 5000 }, async () => {
        await client.generateMusic({ prompt: "keeps the worker busy" });
        const cancelled = await client.generateMusic({ prompt: "cancel me please" });
        const button = page.getByRole("button", { name: "Cancel job: cancel me please" }).first();
        await expect.poll(() => button.count(), { timeout: 15_000 }).toBeGreaterThan(0);
        await button.focus();
        await page.keyboard.press("Enter");
        await expect
          .poll(() => jobRow(page, "cancel me please").locator('[data-cell="status"]').textContent(), {
            timeout: 15_000,
          })
          .toBe("cancelled");
        expect(await page.getByRole("status").textContent()).toMatch(/cancelled/i);
        expect((await client.getJob((cancelled as { jobId: string }).jobId)).status).toBe("cancelled");
        await expect
          .poll(() => jobRow(page, "keeps the worker busy").locator('[data-cell="status"]').textContent(), {
            timeout: 60_000,
          })
          .toBe("succeeded");
        expect(daemon.site.stats.prompts).not.toContain("cancel me please");
      });
    } finally {
      await page.close();
    }
  }, 120_000);

  it("shows a failed job's error with a link to its screenshot, and the account with its balance", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page);
    daemon.site.faults.set("song-failed", { times: 1 });
    await client.generateMusic({ prompt: "this one fails" });
    const row = jobRow(page, "this one fails");
    await expect.poll(() => row.locator('[data-cell="status"]').textContent(), { timeout: 60_000 }).toBe("failed");
    expect(await row.locator('[data-cell="error"]').textContent()).toMatch(/^GENERATION_FAILED: /);
    // The site failed the song itself: nothing to fetch, so no Retry is offered.
    expect(await row.getByRole("button", { name: /^Retry/ }).count()).toBe(0);
    const link = row.getByRole("link", { name: "screenshot" });
    const href = await link.getAttribute("href");
    expect(href).toMatch(/^\/v1\/artifacts\/[^/]+\/page\.png$/);
    const image = await page.request.get(new URL(href as string, daemon.baseUrl).href);
    expect(image.status()).toBe(200);
    expect(image.headers()["content-type"]).toBe("image/png");
    expect((await image.body()).subarray(1, 4).toString()).toBe("PNG");
    // Nothing outside the artifacts folder is served.
    expect((await page.request.get(new URL("/v1/artifacts/..%2F..%2Fetc/passwd", daemon.baseUrl).href)).status()).toBe(
      404,
    );

    const account = page.locator("#account-rows tr", { hasText: "default" });
    await expect.poll(() => account.textContent(), { timeout: 10_000 }).toMatch(/ready\d+ credits \(read /);
    await page.close();
  }, 120_000);

  it("offers a free Retry on a job that failed after its submission, which stores its songs without a new generation", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page);
    // The site made and charged the songs, but served them in the wrong format: the job fails, its songs paid for.
    daemon.site.faults.set("wrong-format");
    const prompt = "paid for then refused";
    const { jobId } = (await client.generateMusic({ prompt })) as { jobId: string };
    const row = jobRow(page, prompt);
    await expect.poll(() => row.locator('[data-cell="status"]').textContent(), { timeout: 60_000 }).toBe("failed");
    expect(await row.locator('[data-cell="error"]').textContent()).toMatch(/^AUDIO_INVALID: /);
    const before = daemon.site.stats.generations;
    daemon.site.faults.clear();
    const retry = row.getByRole("button", { name: `Retry job without paying again: ${prompt}` });
    await retry.click();
    await expect.poll(() => row.locator('[data-cell="status"]').textContent(), { timeout: 60_000 }).toBe("succeeded");
    expect(await row.getByRole("button", { name: /^Retry/ }).count()).toBe(0);
    const job = await client.getJob(jobId);
    expect(job.tracks).toHaveLength(2);
    for (const track of job.tracks)
      expect(track.sha256).toBe(daemon.site.servedSha256(track.clipId as string, track.format as "wav"));
    expect(daemon.site.stats.generations).toBe(before);
    await page.close();
  }, 120_000);

  it("reads well on a phone, every control named, and refuses another site's page", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
    await signIn(page);
    await expect.poll(() => page.locator("#track-rows li").count(), { timeout: 10_000 }).toBeGreaterThan(0);
    // Nothing wider than the screen: no sideways scrolling.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const unnamed = await page.evaluate(
      () =>
        [...document.querySelectorAll("button, audio, a, input")].filter(
          (element) => !(element.getAttribute("aria-label") || element.textContent?.trim() || element.id),
        ).length,
    );
    expect(unnamed).toBe(0);
    expect(await page.locator("table:not(:has(caption))").count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS, "status-page-phone.png"), fullPage: true });

    // The page is served on the Unix socket too.
    const http = await import("node:http");
    const overSocket = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(
        {
          socketPath: path.join(daemon.dataDir, "producer.sock"),
          path: "/",
          headers: { authorization: `Bearer ${TOKEN}` },
        },
        (response) => {
          let body = "";
          response.on("data", (chunk: Buffer) => (body += chunk.toString()));
          response.on("end", () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on("error", reject);
      request.end();
    });
    expect(overSocket.status).toBe(200);
    expect(overSocket.body).toContain('<script src="/status.js" defer></script>');

    // A page of another origin cannot use the visitor's cookie to drive the daemon.
    const forged = await fetch(new URL("/v1/queue", daemon.baseUrl), {
      headers: { origin: "http://evil.example", authorization: `Bearer ${TOKEN}` },
    });
    expect(forged.status).toBe(403);
    await page.close();
  }, 60_000);

  it("shows an account whose session ended, and the queue paused by it", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await signIn(page);
    daemon.site.expireSessions();
    await client.generateMusic({ prompt: "waits for a new session" });
    await expect.poll(() => page.locator("#summary").textContent(), { timeout: 30_000 }).toMatch(/^Paused: /);
    await client.session({ force: true });
    await expect
      .poll(() => page.locator("#account-rows tr", { hasText: "default" }).textContent(), { timeout: 10_000 })
      .toMatch(/walled: SESSION_EXPIRED/);
    const queued = page.locator("#queue-rows tr", { hasText: "waits for a new session" });
    await expect.poll(() => queued.textContent(), { timeout: 10_000 }).toMatch(/waiting: /);
    await page.close();
  }, 60_000);
});
