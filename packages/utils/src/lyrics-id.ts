import { createHash } from "node:crypto";

/** The namespace the app's lyrics ids are uuid v5 names in. */
export const LYRICS_NAMESPACE = "b8f9e3a1-7c2d-4f5e-9a8b-1c3d5e7f9a2b";
const INSTRUMENTAL = "[Instrumental]";

/** RFC 4122 uuid v5: SHA-1 of the namespace's bytes and the name's UTF-8, version and variant bits set. */
export function uuidV5(name: string, namespace = LYRICS_NAMESPACE): string {
  const hash = createHash("sha1")
    .update(Buffer.from(namespace.replace(/-/g, ""), "hex"))
    .update(name, "utf8")
    .digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The id the app gives lyrics: uuid v5 of the text; `""` (no id, no map entry) for blank text or a bare `[Instrumental]`. */
export function lyricsIdOf(text: string): string {
  return text.trim() === "" || text.trim() === INSTRUMENTAL ? "" : uuidV5(text);
}
