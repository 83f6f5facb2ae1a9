import fs from "node:fs/promises";
import path from "node:path";
import type { Readable } from "node:stream";
import type { UploadAudioInput } from "../site-tasks/upload-input.js";

async function bytesOf(file: UploadAudioInput["file"]): Promise<Uint8Array> {
  if (typeof file === "string") return fs.readFile(file);
  if (file instanceof Uint8Array) return file;
  const chunks: Buffer[] = [];
  for await (const chunk of file as Readable) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * An upload as the daemon's `POST /v1/uploads` takes it: multipart `file`, `filename`, `removeVocals`,
 * `keepVocals`, `account`.
 */
export async function uploadForm(input: UploadAudioInput): Promise<{ bytes: Buffer; contentType: string }> {
  const form = new FormData();
  const filename = input.filename ?? (typeof input.file === "string" ? path.basename(input.file) : "upload");
  form.append("file", new Blob([await bytesOf(input.file)]), filename);
  form.append("filename", filename);
  if (input.removeVocals !== undefined) form.append("removeVocals", String(input.removeVocals));
  if (input.keepVocals !== undefined) form.append("keepVocals", String(input.keepVocals));
  if (input.account !== undefined) form.append("account", input.account);
  // The platform writes the multipart body and its boundary.
  const encoded = new Response(form);
  return {
    bytes: Buffer.from(await encoded.arrayBuffer()),
    contentType: encoded.headers.get("content-type") ?? "multipart/form-data",
  };
}
