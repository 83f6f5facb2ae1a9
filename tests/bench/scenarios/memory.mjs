// Memory and disk over many generations in one daemon: the JavaScript heap after GC, Chromium's proportional set
// size, and bytes under the data dir and /tmp, at 50 generations and at the end; no audio may be left behind.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { loadConfig } from "@producer/config";
import { startDaemon } from "@producer/daemon";
import { writeLoginState } from "@producer/session";
import { silentLogger } from "@producer/utils";
import { daemonEnv, duBytes, pssMiB, startSiteProcess, tempDir } from "../lib.mjs";

const AUDIO = /\.(wav|mp3|m4a|ogg|flac)$/i;

function audioUnder(dir) {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((file) => AUDIO.test(file));
}

/** Bytes and audio files that Chromium or Playwright left in the shared temporary folder. */
function tmpLeftovers() {
  const dirs = fs
    .readdirSync(os.tmpdir())
    .filter((name) => /^playwright-artifacts|^\.org\.chromium|^playwright_chromiumdev/.test(name));
  return {
    bytes: dirs.reduce((sum, name) => sum + duBytes(path.join(os.tmpdir(), name)), 0),
    audio: dirs.flatMap((name) => audioUnder(path.join(os.tmpdir(), name))).length,
  };
}

function sample(dataDir, storageDir) {
  globalThis.gc?.();
  globalThis.gc?.();
  return {
    heapMiB: process.memoryUsage().heapUsed / 2 ** 20,
    chromiumPssMiB: pssMiB("--producer-pool="),
    dataDirMiB: (duBytes(dataDir) - duBytes(storageDir)) / 2 ** 20,
    tmpLeftoverBytes: tmpLeftovers().bytes,
  };
}

export async function memory({ generations }) {
  if (!globalThis.gc) throw new Error("run with node --expose-gc");
  // The simulator runs in a process of its own: the heap measured here is the daemon's.
  const site = await startSiteProcess();
  const dataDir = tempDir("memory");
  const { config } = loadConfig({ env: daemonEnv(site, dataDir), configFile: false });
  writeLoginState(config.paths.stateFile, site.issueSession());
  const daemon = await startDaemon(config, silentLogger);
  const storageDir = config.storage.localDir;
  const tmpBefore = tmpLeftovers();
  let at50;
  try {
    for (let index = 1; index <= generations; index += 1) {
      const result = await daemon.service.generateMusic({ prompt: `memory ${index}`, useQueue: false });
      if (result.job.status !== "succeeded")
        throw new Error(`generation ${index}: ${result.job.status} ${result.job.error?.code ?? ""}`);
      if (index === Math.min(50, generations)) at50 = sample(dataDir, storageDir);
    }
    const atEnd = sample(dataDir, storageDir);
    const leftAudio =
      audioUnder(path.join(dataDir, "downloads")).length +
      audioUnder(path.join(dataDir, "browser")).length +
      (tmpLeftovers().audio - tmpBefore.audio);
    return {
      generations,
      at50,
      atEnd,
      heapGrowthMiB: atEnd.heapMiB - at50.heapMiB,
      pssGrowthPct: ((atEnd.chromiumPssMiB - at50.chromiumPssMiB) / at50.chromiumPssMiB) * 100,
      audioLeftBehind: leftAudio,
      storedSongs: audioUnder(storageDir).length,
    };
  } finally {
    await daemon.close();
    await site.close();
  }
}
