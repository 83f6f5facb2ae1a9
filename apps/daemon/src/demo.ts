/**
 * The README's main job: runs producer end to end on embedded parts and prints what it stored.
 * Everything it starts is local (an S3-protocol server on 127.0.0.1) and stopped before it exits.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ensureDataDirs, formatConfig, loadConfig } from "@producer/config";
import { startS3Server, synthesizeWav } from "@producer/test-utils";
import { createStorage, ProducerError, readAudioFacts, renderStorageKey, withTempDir } from "@producer/utils";

// The AWS SDK warns that its 2027 releases will need Node 22; the versions pinned here run on Node 20.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

async function main(): Promise<void> {
  const s3 = await startS3Server({ bucket: "producer-demo" });
  try {
    const resolved = loadConfig({
      overrides: {
        paths: { dataDir: process.env.PRODUCER_PATHS_DATA_DIR ?? path.join(repositoryRoot, ".demo-data") },
        storage: {
          driver: "s3",
          // The embedded server's fixed, well-known test credentials.
          s3: s3.s3Config,
        },
      },
    });
    const { config } = resolved;
    ensureDataDirs(config);
    console.log("Effective configuration:\n");
    console.log(formatConfig(resolved));

    const storage = createStorage(config);
    const generationId = `demo-${Date.now()}`;
    const prompt = "Create a happy pop song";
    await withTempDir(
      async (dir) => {
        const file = path.join(dir, "song-1.wav");
        fs.writeFileSync(file, synthesizeWav({ seed: prompt, durationSecs: 4 }));
        const facts = await readAudioFacts(file);
        const key = renderStorageKey(config.storage.keyTemplates.audio, {
          user_id: "user_456",
          project_id: "project_123",
          filename: `${generationId}-1.${facts.format}`,
        }, config.storage.s3.prefix);
        const stored = await storage.putFile(key, file, {
          contentType: "audio/wav",
          metadata: { prompt, sha256: facts.sha256, durationSecs: String(facts.durationSecs) },
        });
        const head = await storage.head(key);
        console.log("\nStored track:");
        console.log(`  key      ${stored.key}`);
        console.log(`  url      ${stored.url}`);
        console.log(`  duration ${facts.durationSecs.toFixed(2)} s  (${facts.codec}, ${facts.sampleRate} Hz, ${facts.channels} ch)`);
        console.log(`  size     ${stored.size} bytes (server reports ${head?.size})`);
        console.log(`  sha256   ${facts.sha256}`);
      },
      { parent: config.paths.downloadsDir },
    );
  } finally {
    await s3.close();
  }
}

main().catch((error: unknown) => {
  if (ProducerError.isInstance(error)) {
    console.error(`producer demo failed [${error.code}]: ${error.message}`);
  } else {
    console.error(`producer demo failed: ${error instanceof Error ? error.message : String(error)}`);
  }
  process.exitCode = 1;
});
