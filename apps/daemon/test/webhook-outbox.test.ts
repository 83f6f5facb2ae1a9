import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { ProducerClient, type Job } from "@producer/core";
import { createPostgresSchema, postgresUrl } from "@producer/test-utils";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { killChromium, processEnvironment, startDaemonProcess } from "./process-harness.js";
import { createSiteStack, type SiteStack } from "./stack.js";
import { stopProcess } from "./stop-process.js";

interface Received {
  deliveryId: string | undefined;
  standardId: string | undefined;
  body: { type: string; deliveryId: string; job: Job };
}

let stack: SiteStack | undefined;
const logs: string[][] = [];
afterEach(async (context) => {
  if (context.task.result?.state === "fail")
    for (const log of logs) console.error(`daemon log:\n${log.join("").split("\n").slice(-60).join("\n")}`);
  logs.length = 0;
  await stack?.close();
  stack = undefined;
});

/** A receiver that holds the first delivery's response open (never answers it) and accepts every later one. */
async function holdingReceiver() {
  const received: Received[] = [];
  const held: http.ServerResponse[] = [];
  const server = http.createServer((request, response) => {
    let text = "";
    request.on("data", (chunk) => (text += chunk));
    request.on("end", () => {
      received.push({
        deliveryId: request.headers["x-producer-delivery"] as string | undefined,
        standardId: request.headers["webhook-id"] as string | undefined,
        body: JSON.parse(text) as Received["body"],
      });
      if (received.length === 1) held.push(response);
      else response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const close = () => {
    for (const response of held) response.destroy();
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  };
  return { received, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, close };
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A daemon killed with SIGKILL while the receiver holds the first delivery of a job that succeeded, then started
 * again on the same data dir (and database): the receiver gets the delivery again, with the same id, once.
 */
async function killedMidDelivery(database: "sqlite" | "postgres"): Promise<void> {
  stack = await createSiteStack({ name: "webhook-outbox", simulator: { generationMs: 300 } });
  let databaseEnv: NodeJS.ProcessEnv = {};
  if (database === "postgres") {
    const schema = await createPostgresSchema(pg.Client, "producer_outbox");
    // Dropped once the daemons have stopped.
    stack.teardown.add(schema.drop);
    databaseEnv = { PRODUCER_DATABASE_URL: schema.url };
  }
  const { dataDir } = stack;
  stack.teardown.add(() => killChromium(dataDir));
  const receiver = await holdingReceiver();
  stack.teardown.add(receiver.close);
  const env = processEnvironment(stack, {
    PRODUCER_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES: "true",
    // A delivery's lease is this plus 5 s: longer than the wait below, so only the restarted daemon taking back
    // its dead predecessor's lease at once can deliver in time.
    PRODUCER_WEBHOOKS_TIMEOUT_MS: "40000",
    ...databaseEnv,
  });
  const first = await startDaemonProcess(env);
  logs.push(first.log);
  stack.teardown.add(() => stopProcess(first.child));
  const client = new ProducerClient({ socketPath: path.join(dataDir, "producer.sock") });
  const { jobId } = await client.generateMusic({ prompt: "tell me once I am stored", webhookUrl: receiver.url });

  await until("the first delivery to reach the receiver", () => receiver.received.length === 1);
  const leasedAt = Date.now();
  first.child.kill("SIGKILL");
  await new Promise((resolve) => first.child.once("exit", resolve));
  await killChromium(dataDir);
  const [held] = receiver.received;
  expect(held?.body).toMatchObject({ type: "job.succeeded", job: { id: jobId, status: "succeeded" } });
  expect(held?.deliveryId).toMatch(/^[0-9a-f-]{36}$/);

  const second = await startDaemonProcess(env);
  logs.push(second.log);
  stack.teardown.add(() => stopProcess(second.child));
  const restarted = Date.now();
  await until("the delivery again, after the restart", () => receiver.received.length >= 2, 40_000);
  expect(Date.now() - leasedAt).toBeLessThan(40_000);
  const [, again] = receiver.received;
  expect(again?.deliveryId).toBe(held?.deliveryId);
  expect(again?.standardId).toBe(held?.deliveryId);
  expect(again?.body.deliveryId).toBe(held?.deliveryId);
  expect(again?.body).toMatchObject({ type: "job.succeeded", job: { id: jobId, status: "succeeded" } });
  expect(again?.body.job.tracks).toHaveLength(2);
  const restartedClient = new ProducerClient({ socketPath: path.join(dataDir, "producer.sock") });
  await until("the job to say its webhook was delivered", async () => {
    return (await restartedClient.getJob(jobId)).webhookStatus === "delivered";
  });
  // Delivered once after the restart: no further copy arrives.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  expect(receiver.received).toHaveLength(2);
  console.log(
    `webhook outbox (${database}): daemon kill -9 with a delivery held open; delivered again ${Date.now() - restarted} ms after the restart began, same delivery id`,
  );
}

it("a daemon killed with SIGKILL after a job succeeded, its webhook not yet delivered: after a restart the receiver gets it, with the same delivery id", async () => {
  await killedMidDelivery("sqlite");
}, 120_000);

describe.skipIf(!postgresUrl)("the webhook outbox on PostgreSQL", () => {
  it("a daemon killed with SIGKILL mid-delivery delivers it after a restart, with the same delivery id", async () => {
    await killedMidDelivery("postgres");
  }, 150_000);
});
