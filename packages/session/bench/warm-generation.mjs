// Warm generation latency: one BrowserSession, Chromium already up, the simulator answering at once; each run
// submits a prompt and downloads both songs. Target: median under 2 s.
import fs from "node:fs";
import { loadConfig } from "@producer/config";
import { siteSettingsFor, start } from "@producer/simulator";
import { BrowserSession, writeLoginState } from "@producer/session";
import { createTempDir } from "@producer/utils";

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const TARGET_MEDIAN_MS = 2000;

const site = await start({ generationMs: 0, replyDelayMs: 0, statusPollMs: 200, songDurationSecs: [2, 3] });
const tempDir = await createTempDir("producer-bench-");
const dataDir = tempDir.path;
const { config } = loadConfig({
  env: {},
  configFile: false,
  overrides: { site: siteSettingsFor(site), paths: { dataDir } },
});
writeLoginState(config.paths.stateFile, site.issueSession());
const session = new BrowserSession({ config });
const coldStarted = performance.now();
await session.start();
const coldMs = performance.now() - coldStarted;
const times = [];
try {
  for (let run = 0; run < RUNS; run += 1) {
    const started = performance.now();
    const songs = await session.generate({ prompt: `bench ${run}`, format: "wav" });
    times.push(performance.now() - started);
    for (const song of songs) fs.rmSync(song.filePath);
  }
} finally {
  await session.close();
  await site.close();
  await tempDir.cleanup();
}
times.sort((a, b) => a - b);
const median = times[Math.floor(times.length / 2)];
const p90 = times[Math.floor(times.length * 0.9)];
console.log(
  `warm generation (2 songs, WAV): median ${median.toFixed(0)} ms, p90 ${p90.toFixed(0)} ms over ${RUNS} runs; Chromium cold start ${coldMs.toFixed(0)} ms`,
);
console.log(`target: median < ${TARGET_MEDIAN_MS} ms — ${median < TARGET_MEDIAN_MS ? "met" : "MISSED"}`);
process.exitCode = median < TARGET_MEDIAN_MS ? 0 : 1;
