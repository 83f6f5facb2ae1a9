import { crc32 } from "node:zlib";
import { Hono, type Context } from "hono";
import type { SimulatedFormat } from "./catalog.js";
import { sleep, type FlowContext } from "./flow-context.js";
import { imageFile } from "./flow-image.js";
import type { FlowClip } from "./flow-store.js";

export const CONTENT_TYPES: Record<SimulatedFormat, string> = { wav: "audio/wav", mp3: "audio/mpeg", m4a: "audio/mp4" };
export const FORMATS: readonly SimulatedFormat[] = ["wav", "mp3", "m4a"];

/** The bytes the site serves for a clip in a format, recorded in `stats.served`. */
export function audioBytes(
  context: FlowContext,
  clip: FlowClip,
  format: SimulatedFormat,
  via: "storage" | "endpoint",
): Buffer {
  const source = clip.audioOf ?? { id: clip.id, title: clip.title, durationSecs: clip.audioSecs };
  const servedFormat = context.faults.isOn("wrong-format") ? "mp3" : format;
  const bytes = context.audio.get(source, servedFormat);
  context.recordServed({ clipId: clip.id, format, sha256: context.audio.sha256(source, servedFormat), via });
  return bytes;
}

/** `attachment; filename=…` with an ASCII fallback and the UTF-8 name. */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, "_").replaceAll('"', "");
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * The public storage origin `audio_url` and `wav_url` point to: a separate listener, no auth, and
 * `Access-Control-Allow-Origin: *` without `Access-Control-Allow-Credentials`, so a page's fetch with cookies
 * fails CORS while a plain one works — as on the real bucket. A wav appears only `wavDelayMs` after the song is
 * done (404 before), and never while the `wav-missing` fault is on.
 */
export function createStorageApp(context: FlowContext): Hono {
  const storage = new Hono();
  storage.use(async (c, next) => {
    await next();
    c.header("access-control-allow-origin", "*");
  });
  storage.get("/clips/:file", (c) => {
    const match = /^([0-9a-f-]{36})\.(m4a|wav)$/.exec(c.req.param("file"));
    const clip = match ? context.store.clips.get(match[1] as string) : undefined;
    if (!match || !clip || !context.store.isDone(clip)) return notFound(c);
    const format = match[2] as SimulatedFormat;
    if (format === "wav") {
      const readyAt = (context.store.operations.get(clip.opId)?.readyAt ?? 0) + context.settings.wavDelayMs;
      if (Date.now() < readyAt || context.faults.isOn("wav-missing")) return notFound(c);
    }
    const bytes = audioBytes(context, clip, format, "storage");
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": CONTENT_TYPES[format],
      "content-length": String(bytes.length),
    });
  });
  storage.get("/images/made/:file", (c) => {
    const bytes = imageFile(context, c.req.param("file"));
    if (!bytes) return notFound(c);
    return c.body(new Uint8Array(bytes), 200, { "content-type": "image/jpeg", "content-length": String(bytes.length) });
  });
  storage.get("/images/:file", (c) =>
    c.body(
      '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect width="64" height="64" fill="#3d6bff"/></svg>',
      200,
      {
        "content-type": "image/svg+xml",
      },
    ),
  );
  storage.all("*", (c) => notFound(c));
  return storage;
}

/** The bucket's answer for a missing object: XML, 404. */
const notFound = (c: Context) =>
  c.body(
    '<?xml version="1.0" encoding="UTF-8"?><Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message></Error>',
    404,
    {
      "content-type": "application/xml",
    },
  );

/** `GET /__api/download/audio/<clip_id>?format=`: the server's transcode, as a download. */
export async function downloadEndpoint(context: FlowContext, c: Context, account: string): Promise<Response> {
  const clip = context.store.clips.get(c.req.param("id") ?? "");
  const format = (c.req.query("format") ?? "m4a") as SimulatedFormat;
  if (!FORMATS.includes(format)) return c.json({ detail: "Unsupported format" }, 400);
  if (!clip || clip.account !== account || !context.store.isDone(clip))
    return c.json({ detail: "Clip not found" }, 404);
  if (context.faults.fire("slow-export")) await sleep(context.settings.slowExportMs);
  const bytes = audioBytes(context, clip, format, "endpoint");
  return c.body(new Uint8Array(bytes), 200, {
    "content-type": CONTENT_TYPES[format],
    "content-length": String(bytes.length),
    "content-disposition": attachment(`${clip.title}.${format}`),
  });
}

/** `POST /__api/batch-download-clip {clip_ids}`: a zip of the clips' m4a files (stored, uncompressed). */
export async function batchDownload(context: FlowContext, c: Context, account: string): Promise<Response> {
  const body = (await c.req.json().catch(() => ({}))) as { clip_ids?: unknown };
  const ids = Array.isArray(body.clip_ids) ? body.clip_ids.map(String) : [];
  const clips = ids
    .map((id) => context.store.clips.get(id))
    .filter((clip): clip is FlowClip => clip?.account === account && context.store.isDone(clip));
  if (clips.length === 0) return c.json({ detail: "No clips to download" }, 400);
  const used = new Set<string>();
  const files = clips.map((clip) => {
    let name = `${clip.title.replace(/[/\\]/g, "_")}.m4a`;
    for (let index = 2; used.has(name); index += 1) name = `${clip.title.replace(/[/\\]/g, "_")} (${index}).m4a`;
    used.add(name);
    return { name, bytes: audioBytes(context, clip, "m4a", "endpoint") };
  });
  const zip = storedZip(files);
  return c.body(new Uint8Array(zip), 200, {
    "content-type": "application/zip",
    "content-length": String(zip.length),
    "content-disposition": attachment("songs.zip"),
  });
}

/** A zip archive with every file stored (method 0): enough for any unzip tool. */
export function storedZip(files: Array<{ name: string; bytes: Buffer }>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const file of files) {
    const name = Buffer.from(file.name, "utf8");
    const checksum = crc32(file.bytes);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt32LE(checksum, 14);
    local.writeUInt32LE(file.bytes.length, 18);
    local.writeUInt32LE(file.bytes.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(checksum, 16);
    central.writeUInt32LE(file.bytes.length, 20);
    central.writeUInt32LE(file.bytes.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, file.bytes);
    centrals.push(central, name);
    offset += local.length + name.length + file.bytes.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}
