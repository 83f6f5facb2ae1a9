import pino from "pino";
import { redactingLogger, type Logger } from "@producer/utils";

/** The daemon's logger: pino (JSON lines to stderr), secrets redacted by key path and by pattern. */
export function createDaemonLogger(level: string, destination: NodeJS.WritableStream = process.stderr): Logger {
  const base = pino(
    {
      level,
      base: { name: "producer" },
      redact: {
        paths: [
          "*.password",
          "*.token",
          "*.authorization",
          "*.cookie",
          "*.cookies",
          "*.secretAccessKey",
          "req.headers.authorization",
        ],
        censor: "[redacted]",
      },
    },
    destination as pino.DestinationStream,
  );
  return redactingLogger(base as unknown as Logger);
}
