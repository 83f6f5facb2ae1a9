import { randomUUID } from "node:crypto";
import { Hono, type Context } from "hono";
import type { SimulatedFormat } from "./catalog.js";
import type { FlowContext } from "./flow-context.js";
import type { FlowClip } from "./flow-store.js";

/** The mimes `file_type` may name (facts: "its mime, audio/mpeg|mp4|wav|flac|ogg"). */
const MIMES: Record<string, SimulatedFormat | "flac" | "ogg"> = {
  "audio/mpeg": "mp3",
  "audio/mp4": "m4a",
  "audio/wav": "wav",
  "audio/flac": "flac",
  "audio/ogg": "ogg",
};

/** An upload as the site holds it while it checks the file, and what the check found. */
interface Upload {
  clipId: string;
  operationId: string;
  account: string;
  title: string;
  format: SimulatedFormat | "flac" | "ogg";
  bytes: Buffer;
  readyAt: number;
  statusReads: number;
  hasVocals: boolean;
  hasCidMatch: boolean;
  lyricsModerationFailed: boolean;
  /** The check itself ends in a failing status. */
  checkFails: boolean;
  /** Whether the upload became a clip of the library (clean, confirmed, or its vocals removed). */
  kept: boolean;
}

const uploads = new WeakMap<FlowContext, Map<string, Upload>>();
const uploadsOf = (context: FlowContext) => {
  const known = uploads.get(context) ?? new Map<string, Upload>();
  uploads.set(context, known);
  return known;
};
const accountOf = (c: Context) => c.get("account" as never) as string;
const readJson = async (c: Context): Promise<Record<string, unknown>> => {
  const body: unknown = await c.req.json().catch(() => undefined);
  return typeof body === "object" && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
};

/** A WAV's length from its `fmt ` byte rate and `data` size; others (and odd files) the shortest song length. */
function lengthOf(bytes: Buffer, format: Upload["format"], fallback: number): number {
  if (format !== "wav" || bytes.length < 44 || bytes.toString("ascii", 0, 4) !== "RIFF") return fallback;
  const byteRate = bytes.readUInt32LE(28);
  const secs = byteRate > 0 ? (bytes.length - 44) / byteRate : 0;
  return secs > 0 ? Math.round(secs * 100) / 100 : fallback;
}

/** The upload, kept as a clip of the account's library: its audio in the uploaded format is the uploaded bytes. */
function keep(context: FlowContext, upload: Upload, clipId = upload.clipId, title = upload.title): FlowClip {
  const now = Date.now();
  const durationSecs = lengthOf(upload.bytes, upload.format, context.settings.songDurationSecs[0]);
  // The facts give no op_type for an uploaded clip: it reads as a song does.
  const clip: FlowClip = {
    id: clipId,
    title,
    opId: randomUUID(),
    opType: "audio__create_song",
    account: upload.account,
    durationSecs,
    audioSecs: Math.min(durationSecs, context.settings.maxAudioSecs),
    hasAudio: true,
    soundPrompt: "",
    lyricsId: null,
    lyricsText: "",
    seed: 0,
    createdAt: now,
    ...(clipId === upload.clipId ? {} : { parentId: upload.clipId }),
  };
  const operation = { opType: clip.opType, account: upload.account, createdAt: now, startedAt: now, readyAt: now };
  context.store.addOperation({ ...operation, opId: clip.opId, clipIds: [] }, [clip]);
  if (clipId === upload.clipId && upload.format !== "flac" && upload.format !== "ogg")
    context.audio.put(clip.id, upload.format, upload.bytes);
  upload.kept = true;
  return clip;
}

/** The account's upload named by the path's clip id and the `operation_id` given; else undefined. */
function uploadOf(context: FlowContext, c: Context, operationId: unknown): Upload | undefined {
  const upload = uploadsOf(context).get(c.req.param("clipId") ?? "");
  return upload && upload.account === accountOf(c) && upload.operationId === operationId ? upload : undefined;
}

/**
 * `POST /__api/producer/upload-audio` (multipart `file`, `file_type`, `filename`) → `{ clip_id | id, operation_id }`;
 * `GET …/<clip_id>/upload-check-status?operation_id=` → `{ status, has_vocals, has_cid_match, has_minor_vocals,
 * lyrics_moderation_failed }` (`null`, then `pending`, while checking; `complete` also when refused, the flag saying
 * why); `POST …/<clip_id>/remove-vocals { operation_id }` → `{ clip_id }` (a new clip); `POST …/<clip_id>/confirm
 * { operation_id, has_vocals: true, has_cid_match, has_minor_vocals }` keeps a song with vocals. Faults
 * `upload-protected`, `upload-vocals`, `upload-lyrics-moderation` make the check find that;
 * `upload-confirm-refused` makes the confirm a 422.
 */
export function createUploadApi(context: FlowContext): Hono {
  const api = new Hono();
  api.post("/", async (c) => {
    const form = await c.req.parseBody().catch(() => undefined);
    const file = form?.file;
    const fileType = typeof form?.file_type === "string" ? form.file_type : "";
    const format = MIMES[fileType];
    if (!(file instanceof File) || !format) {
      return c.json({ detail: "file and file_type (audio/mpeg|mp4|wav|flac|ogg) are required" }, 422);
    }
    const filename = typeof form?.filename === "string" && form.filename ? form.filename : file.name;
    const stats = context.stats();
    stats.uploads += 1;
    const upload: Upload = {
      clipId: randomUUID(),
      operationId: randomUUID(),
      account: accountOf(c),
      title: filename.replace(/\.[^.]+$/, "") || "Upload",
      format,
      bytes: Buffer.from(await file.arrayBuffer()),
      readyAt: Date.now() + context.settings.uploadCheckMs,
      statusReads: 0,
      hasVocals: context.faults.fire("upload-vocals"),
      hasCidMatch: context.faults.fire("upload-protected"),
      lyricsModerationFailed: context.faults.fire("upload-lyrics-moderation"),
      checkFails: context.faults.fire("upload-check-failed"),
      kept: false,
    };
    uploadsOf(context).set(upload.clipId, upload);
    const { uploadReturn } = context.settings;
    return c.json({
      ...(uploadReturn === "id" ? {} : { clip_id: upload.clipId }),
      ...(uploadReturn === "clip_id" ? {} : { id: upload.clipId }),
      operation_id: upload.operationId,
    });
  });
  api.get("/:clipId/upload-check-status", (c) => {
    const upload = uploadOf(context, c, c.req.query("operation_id"));
    if (!upload) return c.json({ detail: "Upload not found" }, 404);
    context.stats().uploadChecks += 1;
    upload.statusReads += 1;
    const done = Date.now() >= upload.readyAt;
    const refused = upload.hasCidMatch || upload.hasVocals || upload.lyricsModerationFailed || upload.checkFails;
    if (done && !refused && !upload.kept) keep(context, upload);
    const ended = upload.checkFails ? "failed" : "complete";
    return c.json({
      // "`null`/`pending` meanwhile": the first read answers null, later ones pending.
      status: done ? ended : upload.statusReads === 1 ? null : "pending",
      has_vocals: done ? upload.hasVocals : null,
      has_cid_match: done ? upload.hasCidMatch : null,
      has_minor_vocals: done ? false : null,
      lyrics_moderation_failed: done ? upload.lyricsModerationFailed : null,
    });
  });
  api.post("/:clipId/remove-vocals", async (c) => {
    const upload = uploadOf(context, c, (await readJson(c)).operation_id);
    if (!upload) return c.json({ detail: "Upload not found" }, 404);
    if (Date.now() < upload.readyAt || upload.hasCidMatch || upload.lyricsModerationFailed || upload.checkFails)
      return c.json({ detail: "This upload cannot be used" }, 422);
    context.stats().vocalRemovals += 1;
    // "(a new id, if any)": a new clip, or the upload kept under its own id and no id answered.
    if (context.settings.removeVocalsReturn === "none") {
      keep(context, upload);
      return c.json({});
    }
    const clip = keep(context, upload, randomUUID(), `${upload.title} (no vocals)`);
    return c.json({ clip_id: clip.id });
  });
  api.post("/:clipId/confirm", async (c) => {
    const body = await readJson(c);
    const upload = uploadOf(context, c, body.operation_id);
    if (!upload) return c.json({ detail: "Upload not found" }, 404);
    if (
      body.has_vocals !== true ||
      typeof body.has_cid_match !== "boolean" ||
      typeof body.has_minor_vocals !== "boolean"
    )
      return c.json({ detail: "has_vocals: true, has_cid_match and has_minor_vocals are required" }, 422);
    if (Date.now() < upload.readyAt || upload.hasCidMatch || upload.lyricsModerationFailed || upload.checkFails)
      return c.json({ detail: "This upload cannot be used" }, 422);
    if (context.faults.fire("upload-confirm-refused"))
      return c.json({ detail: "Uploads with vocals are not allowed" }, 422);
    context.stats().uploadConfirms += 1;
    if (!upload.kept) keep(context, upload);
    return c.json({});
  });
  return api;
}
