/**
 * The README's main job, on embedded defaults: starts the ProducerAI simulator, an S3-protocol server and the
 * daemon on SQLite, submits the seed's generation through the client over the daemon's Unix socket, shows its
 * progress and prints the stored tracks. Everything is local, and stopped before it exits.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig, type ProducerConfig } from "@producer/config";
import { isTerminal, ProducerClient, type Job } from "@producer/core";
import { importLoginState } from "@producer/session";
import { start as startSimulator } from "@producer/simulator";
import { startS3Server } from "@producer/test-utils";
import { ProducerError, readSecretFile } from "@producer/utils";
import { startDaemon } from "./daemon.js";
import { createDaemonLogger } from "./logger.js";

// The AWS SDK warns that its 2027 releases will need Node 22; the versions pinned here run on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const say = (text: string) => process.stdout.write(`${text}\n`);

/** The README's call, verbatim: the seed's request. */
const README_REQUEST = {
  prompt: "Create a happy pop song",
  title: "My New Song",
  projectId: "project_123",
  userId: "user_456",
  useQueue: true,
} as const;

async function main(): Promise<void> {
  const site = await startSimulator({ generationMs: 2500 });
  const s3 = await startS3Server({ bucket: "producer-demo" });
  try {
    const { config } = loadConfig({
      overrides: {
        site: {
          baseUrl: site.url,
          pacing: { submitGapMinMs: 0, submitGapMaxMs: 0, actionDelayMinMs: 50, actionDelayMaxMs: 150 },
        },
        paths: { dataDir: process.env.PRODUCER_PATHS_DATA_DIR ?? path.join(repositoryRoot, ".demo-data") },
        // Loopback TCP too, on a free port: the status page and the MCP server live there.
        daemon: { port: 0 },
        storage: { driver: "s3", s3: s3.s3Config },
        // An unknown level is refused by the schema, naming the key.
        log: { level: (process.env.PRODUCER_LOG_LEVEL ?? "warn") as ProducerConfig["log"]["level"] },
      },
    });
    say(`ProducerAI simulator  ${site.url}`);
    say(`S3-protocol server    ${s3.endpoint} (bucket ${s3.bucket})`);
    say(`data dir              ${config.paths.dataDir}`);

    // The one-time sign-in, as `producer session import` would take it on a server.
    importLoginState({ config, source: site.issueSession() });

    const daemon = await startDaemon(config, createDaemonLogger(config.log.level));
    try {
      say(`daemon                ${daemon.socketPath} (warm: Chromium up, session checked)\n`);
      const producer = new ProducerClient({ socketPath: daemon.socketPath });
      const queued = await producer.generateMusic(README_REQUEST);
      say(`queued job ${queued.jobId}`);
      let job: Job | undefined;
      let shown = "";
      for await (const update of producer.events(queued.jobId)) {
        job = update;
        const step =
          update.progress && !isTerminal(update.status)
            ? `${update.progress.stage}${update.progress.songNumber ? ` ${update.progress.songNumber}/${update.progress.songCount}` : ""}`
            : "";
        const line = `  ${update.status}${step ? ` (${step})` : ""}`;
        if (line !== shown) say(line);
        shown = line;
      }
      if (job?.status !== "succeeded") {
        throw new Error(
          `the job ended ${job?.status ?? "unknown"}${job?.error ? `: ${job.error.code} ${job.error.message}` : ""}`,
        );
      }
      say("\nStored tracks:");
      for (const track of job.tracks) {
        say(`  key      ${track.storage.key}`);
        say(`  title    ${track.title}`);
        say(
          `  duration ${track.durationSecs.toFixed(2)} s  (${track.codec}, ${track.sampleRate} Hz, ${track.channels} ch, ${track.sizeBytes} bytes)`,
        );
        say(`  sha256   ${track.sha256}\n`);
      }
      const page = await producer.listTracks({ projectId: README_REQUEST.projectId });
      say(
        `${README_REQUEST.projectId} now holds ${page.tracks.length}${page.nextCursor ? "+" : ""} tracks in the track store.`,
      );

      const base = `http://127.0.0.1:${daemon.port}`;
      // TCP wants the token the daemon keeps in its data dir; an agent on this machine is given it.
      await agentRoundTrip(base, readSecretFile(config.daemon.tokenFile) ?? "");
      say(`\nstatus page           ${(await producer.signInLink()).url}  (signs in once)`);
      say(`MCP (Streamable HTTP) ${base}/mcp`);
      if (process.env.PRODUCER_DEMO_STAY === "1") {
        say(
          "\nThe demo keeps running (PRODUCER_DEMO_STAY=1): open the status page, or point an MCP client at /mcp. Ctrl-C stops it.",
        );
        await new Promise<void>((resolve) => {
          process.once("SIGINT", () => resolve());
          process.once("SIGTERM", () => resolve());
        });
      }
    } finally {
      await daemon.close();
    }
  } finally {
    await site.close();
    await s3.close();
  }
}

/** What an agent does over MCP: list the tools, generate, wait with progress, list the songs. */
async function agentRoundTrip(base: string, token: string): Promise<void> {
  const [{ Client }, { StreamableHTTPClientTransport }] = await Promise.all([
    import("@modelcontextprotocol/sdk/client/index.js"),
    import("@modelcontextprotocol/sdk/client/streamableHttp.js"),
  ]);
  const agent = new Client({ name: "producer-demo-agent", version: "1.0.0" });
  await agent.connect(
    new StreamableHTTPClientTransport(new URL("/mcp", base), {
      requestInit: { headers: { authorization: `Bearer ${token}` } },
    }),
  );
  try {
    say(`\nAn agent over MCP (${base}/mcp):`);
    const { tools } = await agent.listTools();
    say(`  tools: ${tools.map((tool) => tool.name).join(", ")}`);
    const queued = (
      await agent.callTool({
        name: "generate_music",
        arguments: { prompt: "A calm piano piece", title: "For the Agent", projectId: "agents" },
      })
    ).structuredContent as { jobId: string; position: number };
    say(`  generate_music       job ${queued.jobId}, position ${queued.position}`);
    let lastMessage = "";
    const waited = await agent.callTool(
      { name: "wait_for_generation", arguments: { jobId: queued.jobId, timeoutSecs: 120 } },
      undefined,
      {
        timeout: 180_000,
        onprogress: (progress) => {
          if (progress.message && progress.message !== lastMessage) say(`    progress: ${progress.message}`);
          lastMessage = progress.message ?? lastMessage;
        },
      },
    );
    const job = waited.structuredContent as { status: string; tracks: unknown[] };
    if (job.status !== "succeeded") throw new Error(`the agent's job ended ${job.status}`);
    say(`  wait_for_generation  ${job.status}, ${job.tracks.length} tracks`);
    const listed = (await agent.callTool({ name: "list_tracks", arguments: { projectId: "agents" } }))
      .structuredContent as { tracks: Array<{ title: string; durationSecs: number }> };
    say(
      `  list_tracks          ${listed.tracks.map((track) => `"${track.title}" ${track.durationSecs.toFixed(2)} s`).join(", ")}`,
    );
  } finally {
    await agent.close();
  }
}

main().catch((error: unknown) => {
  const message = ProducerError.isInstance(error)
    ? `[${error.code}] ${error.message}`
    : error instanceof Error
      ? error.message
      : String(error);
  process.stderr.write(`producer demo failed: ${message}\n`);
  process.exitCode = 1;
});
