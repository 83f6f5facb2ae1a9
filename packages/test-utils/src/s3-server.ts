import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { makeTempDir, removeDir } from "./temp-dir.js";

export interface S3Server {
  /** `http://127.0.0.1:<port>` */
  endpoint: string;
  port: number;
  bucket: string;
  directory: string;
  /** Settings for `S3Storage` that s3rver needs (real AWS wants the defaults). */
  storageOptions: {
    bucket: string;
    endpoint: string;
    region: string;
    forcePathStyle: true;
    checksums: "when-required";
    credentials: { accessKeyId: string; secretAccessKey: string };
  };
  /** The same settings as `storage.s3` configuration overrides. */
  s3Config: {
    bucket: string;
    endpoint: string;
    region: string;
    forcePathStyle: true;
    checksums: "when-required";
    accessKeyId: string;
    secretAccessKey: string;
  };
  /** Stops the server process, keeping its folder. */
  stop(): Promise<void>;
  /** Starts it again on the same port and folder, keeping stored objects. */
  restart(): Promise<void>;
  /** Stops it and removes its folder. */
  close(): Promise<void>;
}

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "s3-server-process.js");

async function launch(port: number, directory: string, bucket: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [script, String(port), directory, bucket], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const bound = await new Promise<number>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`s3rver exited with code ${code}`)));
    lines.once("line", (line) => resolve((JSON.parse(line) as { port: number }).port));
  });
  child.removeAllListeners("exit");
  return { child, port: bound };
}

function terminate(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGKILL");
  });
}

/** A real S3-protocol server (s3rver, in its own process) on 127.0.0.1 with one bucket, in a temporary folder. */
export async function startS3Server(options: { bucket?: string } = {}): Promise<S3Server> {
  const bucket = options.bucket ?? "producer-test";
  const directory = makeTempDir("producer-s3-");
  let { child, port } = await launch(0, directory, bucket);
  const endpoint = `http://127.0.0.1:${port}`;
  const stop = async () => terminate(child);
  return {
    endpoint,
    port,
    bucket,
    directory,
    storageOptions: {
      bucket,
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      checksums: "when-required",
      credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    },
    s3Config: {
      bucket,
      endpoint,
      region: "us-east-1",
      forcePathStyle: true,
      checksums: "when-required",
      accessKeyId: "S3RVER",
      secretAccessKey: "S3RVER",
    },
    stop,
    async restart() {
      await stop();
      ({ child } = await launch(port, directory, bucket));
    },
    async close() {
      await stop();
      removeDir(directory);
    },
  };
}
