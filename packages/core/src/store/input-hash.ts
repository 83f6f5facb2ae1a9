import { createHash } from "node:crypto";
import type { JobInput } from "../generate-input.js";

/** What makes two submissions the same request, for idempotency keys: the input and the webhook. */
export function hashInput(input: JobInput, webhookUrl: string | undefined): string {
  const canonical = JSON.stringify([
    input.prompt,
    input.title ?? null,
    input.lyrics ?? null,
    input.projectId ?? null,
    input.userId ?? null,
    input.instrumental,
    input.format,
    webhookUrl ?? null,
    // Newer controls join only when set, so keys given to earlier requests still match them.
    ...(["mode", "model", "bpm", "durationSecs", "seed", "stems", "operation", "source"] as const)
      .filter((key) => input[key] !== undefined)
      .map((key) => [key, input[key]]),
  ]);
  return createHash("sha256").update(canonical).digest("hex");
}
