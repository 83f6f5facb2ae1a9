import type { Storage, StoredObject } from "./storage.js";

/** For the storage tests: stores `text` as a small WAV object with `metadata`, as the pipeline stores a song. */
export async function putSmallWav(
  storage: Storage,
  key: string,
  text: string,
  metadata: Record<string, string>,
): Promise<{ body: Buffer; stored: StoredObject }> {
  const body = Buffer.from(text);
  const stored = await storage.put(key, body, { contentType: "audio/wav", metadata });
  return { body, stored };
}
