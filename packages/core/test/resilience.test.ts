import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { listFiles } from "@producer/test-utils";
import { ProducerService, signWebhook, type Job } from "../src/index.js";
import { createStack, endedJob, type CoreStack } from "./stack.js";

let harness: CoreStack | undefined;
afterEach(() => harness?.close());

const jobIdOf = (result: unknown) => (result as { jobId: string }).jobId;

describe("jobs that meet trouble", () => {
  it("retries a failure before submission with backoff and succeeds on the next attempt, submitting once", async () => {
    harness = await createStack();
    harness.site.faults.set("http-500", { times: 1, paths: ["/session"] });
    const job = await harness.service.waitForJob(
      jobIdOf(await harness.service.generateMusic({ prompt: "second time lucky" })),
      {
        timeoutMs: 60_000,
      },
    );
    expect(job).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(job.tracks).toHaveLength(2);
    expect(harness.site.stats.generations).toBe(1);
  });

  it("fails at once on an error that is not retryable, keeping its code", async () => {
    harness = await createStack({ simulator: { variant: "renamed" }, config: { site: { locators: {} } } });
    const job = await harness.service.waitForJob(
      jobIdOf(await harness.service.generateMusic({ prompt: "site changed" })),
      {
        timeoutMs: 60_000,
      },
    );
    expect(job).toMatchObject({ status: "failed", attempts: 1, error: { code: "SITE_CHANGED", retryable: false } });
  });

  it("completes every job when storage goes down mid-run and comes back, generating each once and losing no audio", async () => {
    harness = await createStack({ config: { queue: { backoffBaseMs: 300, backoffMaxMs: 600 } } });
    const { service, s3, site } = harness;
    await s3.stop();
    const ids = [];
    for (let index = 0; index < 3; index += 1)
      ids.push(jobIdOf(await service.generateMusic({ prompt: `outage ${index}` })));
    // Wait until the audio of a job is down and its upload has failed.
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const job = await service.getJob(ids[0] as string);
      if (job.error?.code === "STORAGE_FAILED") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await service.getJob(ids[0] as string)).error?.code).toBe("STORAGE_FAILED");
    expect(listFiles(harness.config.paths.downloadsDir).length).toBeGreaterThan(0);
    await s3.restart();
    const jobs = await Promise.all(ids.map((id) => service.waitForJob(id, { timeoutMs: 90_000 })));
    expect(jobs.map((job) => job.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(jobs.every((job) => job.tracks.length === 2)).toBe(true);
    expect(site.stats.generations).toBe(3);
    expect(listFiles(harness.config.paths.downloadsDir)).toEqual([]);
  }, 120_000);

  it("pauses the queue on an expired session, keeps the jobs queued, and resumes once the session is valid", async () => {
    harness = await createStack();
    const { service, site, session } = harness;
    site.expireSessions();
    const ids = [
      jobIdOf(await service.generateMusic({ prompt: "paused 1" })),
      jobIdOf(await service.generateMusic({ prompt: "paused 2" })),
    ];
    const deadline = Date.now() + 30_000;
    while (!(await service.status()).paused && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    const status = await service.status();
    expect(status.paused?.code).toBe("SESSION_EXPIRED");
    await new Promise((resolve) => setTimeout(resolve, 1500)); // several rechecks, still expired
    const waiting = await Promise.all(ids.map((id) => service.getJob(id)));
    expect(waiting.map((job) => job.status)).toEqual(["queued", "queued"]);
    expect(waiting.map((job) => job.attempts)).toEqual([0, 0]);
    expect(site.stats.generations).toBe(0);
    await session.importLoginState(site.issueSession());
    const jobs = await Promise.all(ids.map((id) => service.waitForJob(id, { timeoutMs: 60_000 })));
    expect(jobs.map((job) => job.status)).toEqual(["succeeded", "succeeded"]);
    expect((await service.status()).paused).toBeNull();
  }, 90_000);

  it("hands back a direct job still running past its wait, and finishes it anyway", async () => {
    harness = await createStack({
      simulator: { generationMs: 3000, replyDelayMs: 100 },
      config: { queue: { directWaitMs: 500 } },
    });
    const result = await harness.service.generateMusic({ prompt: "take your time", useQueue: false });
    expect(result).toMatchObject({ completed: false });
    expect(["generating", "downloading"]).toContain((result as { status: string }).status);
    const job = await harness.service.waitForJob(jobIdOf(result), { timeoutMs: 60_000 });
    expect(job.status).toBe("succeeded");
    expect(job.tracks).toHaveLength(2);
  });

  it("lists jobs newest first a page at a time, and by status", async () => {
    harness = await createStack({ generator: false });
    const ids = [];
    for (let index = 0; index < 5; index += 1)
      ids.push(jobIdOf(await harness.service.generateMusic({ prompt: `list ${index}` })));
    await harness.service.cancel(ids[0] as string);
    const first = await harness.service.listJobs({ limit: 3 });
    const second = await harness.service.listJobs({ limit: 3, cursor: first.nextCursor as string });
    expect([...first.jobs, ...second.jobs].map((job) => job.id)).toEqual([...ids].reverse());
    expect(second.nextCursor).toBeNull();
    expect((await harness.service.listJobs({ status: "cancelled" })).jobs.map((job) => job.id)).toEqual([ids[0]]);
    await expect(harness.service.getJob("no-such-job")).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("estimates a queued job's wait from the measured run times of the jobs before it, not a constant", async () => {
    harness = await createStack({ simulator: { generationMs: 1500 } });
    const h = harness;
    const measured = await endedJob(h, "sets the pace");
    expect(measured.status).toBe("succeeded");
    const runMs = Date.parse(measured.finishedAt as string) - Date.parse(measured.startedAt as string);
    await new Promise((resolve) => setTimeout(resolve, 1100)); // past the estimate's one-second cache
    await h.service.generateMusic({ prompt: "runs now" });
    const waiting = (await h.service.generateMusic({ prompt: "waits its turn" })) as {
      position: number;
      etaMs: number;
    };
    expect(waiting.position).toBeGreaterThanOrEqual(1);
    expect(waiting.etaMs).toBe(Math.round(waiting.position * runMs));
    expect(waiting.etaMs).toBeLessThan(90_000);
  }, 90_000);

  it("refuses work past maxQueued with QUEUE_FULL and a retry-after hint", async () => {
    harness = await createStack({ config: { queue: { maxQueued: 2 } }, generator: false });
    await harness.service.generateMusic({ prompt: "one" });
    await harness.service.generateMusic({ prompt: "two" });
    const error = await harness.service.generateMusic({ prompt: "three" }).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: "QUEUE_FULL", retryable: true });
    expect((error as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(0);
  });

  it("cancels a queued job, which then never runs", async () => {
    harness = await createStack({ generator: false });
    const id = jobIdOf(await harness.service.generateMusic({ prompt: "never mind" }));
    const job = await harness.service.cancel(id);
    expect(job.status).toBe("cancelled");
    expect(await harness.service.waitForJob(id)).toMatchObject({ status: "cancelled" });
  });

  it("cancels a running job at its next step", async () => {
    harness = await createStack({ simulator: { generationMs: 3000, replyDelayMs: 100 } });
    const id = jobIdOf(await harness.service.generateMusic({ prompt: "stop midway" }));
    await leftTheQueue(harness, id);
    await harness.service.cancel(id);
    const job = await harness.service.waitForJob(id, { timeoutMs: 30_000 });
    expect(job.status).toBe("cancelled");
    expect(job.tracks).toEqual([]);
  });

  it("puts a job still running at shutdown back in the queue, its attempt given back", async () => {
    harness = await createStack({ simulator: { generationMs: 5000, replyDelayMs: 100 } });
    const id = jobIdOf(await harness.service.generateMusic({ prompt: "interrupted by a restart" }));
    await leftTheQueue(harness, id);
    const { config } = harness;
    await harness.service.close({ graceMs: 200 });
    const reopened = await ProducerService.create({ config });
    try {
      expect(await reopened.getJob(id)).toMatchObject({ status: "queued", attempts: 0 });
    } finally {
      await reopened.close({ graceMs: 0 });
    }
  });

  it("posts the final job to its webhook, signed, retrying a failing receiver", async () => {
    const received: Array<{ body: string; signature: string | undefined; timestamp: string | undefined }> = [];
    let failures = 1;
    const receiver = http.createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => (body += chunk));
      request.on("end", () => {
        if (failures-- > 0) {
          response.writeHead(503).end();
          return;
        }
        received.push({
          body,
          signature: request.headers["x-producer-signature"] as string | undefined,
          timestamp: request.headers["x-producer-timestamp"] as string | undefined,
        });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks/producer`;
    try {
      const secret = "a-webhook-secret-of-some-length";
      harness = await createStack({ config: { webhooks: { secret, allowPrivateAddresses: true } } });
      const id = jobIdOf(await harness.service.generateMusic({ prompt: "tell me when done", webhookUrl: url }));
      await harness.service.waitForJob(id, { timeoutMs: 60_000 });
      const deadline = Date.now() + 20_000;
      while (received.length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      expect(received).toHaveLength(1);
      const delivery = received[0]!;
      expect(delivery.signature).toBe(signWebhook(secret, delivery.timestamp as string, delivery.body));
      const payload = JSON.parse(delivery.body) as { type: string; job: Job };
      expect(payload.type).toBe("job.succeeded");
      expect(payload.job.tracks).toHaveLength(2);
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect((await harness.service.getJob(id)).webhookStatus).toBe("delivered");
    } finally {
      receiver.close();
    }
  });
});

/** Resolves once the job has left the queue (it runs), or after 20 s. */
async function leftTheQueue(stack: CoreStack, id: string): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await stack.service.getJob(id)).status === "queued" && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
