import fs from "node:fs/promises";
import path from "node:path";
import {
  InvalidInputError,
  QuotaExhaustedError,
  SiteChangedError,
  TimeoutError,
  UploadRefusedError,
  type SiteTask,
} from "@producer/utils";
import { type InPageAnswer, inPageMultipart } from "../page-helpers.js";
import { text } from "../site-answers.js";
import type { SiteTaskHandler, TaskContext } from "./site-task-handler.js";

/** The audio an upload may be, told by its first bytes, and the mime `file_type` names it by. */
const AUDIO_MIMES = {
  wav: "audio/wav",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  flac: "audio/flac",
  ogg: "audio/ogg",
} as const;
export type UploadFormat = keyof typeof AUDIO_MIMES;

/** The facts' check of a file's first bytes: WAV `RIFF`, MP3 `ID3` or `0xFF`, M4A `ftyp` at byte 4; FLAC `fLaC`, OGG `OggS`. */
export function uploadFormatOf(bytes: Uint8Array): UploadFormat | undefined {
  const ascii = (from: number, to: number) => Buffer.from(bytes.subarray(from, to)).toString("latin1");
  if (ascii(0, 4) === "RIFF" && ascii(8, 12) === "WAVE") return "wav";
  if (ascii(4, 8) === "ftyp") return "m4a";
  if (ascii(0, 4) === "fLaC") return "flac";
  if (ascii(0, 4) === "OggS") return "ogg";
  if (ascii(0, 3) === "ID3" || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) return "mp3";
  return undefined;
}

/** The check is asked this often, as the page does ("every 3 s"). */
export const UPLOAD_CHECK_POLL_MS = 3000;
const BUSY_TRIES = 4;

/** One upload's check as the site answers it, flags read as booleans. */
interface UploadCheck {
  status: string | null;
  hasVocals: boolean;
  hasCidMatch: boolean;
  hasMinorVocals: boolean;
  lyricsModerationFailed: boolean;
}

const refused = (reason: string, details: Record<string, unknown>) =>
  new UploadRefusedError(`The site refused the upload: ${reason}.`, {
    details: { step: "upload", reason, ...details },
  });

/**
 * The site's answer to a call the upload needs: its JSON, a 429 waited out, a 402 or a refusal as an error
 * (`confirm`'s own: any success answers, a refusal is UPLOAD_REFUSED; else a success needs JSON, a refusal is
 * SITE_CHANGED).
 */
async function answerOf(
  on: TaskContext,
  apiKey: string,
  send: () => Promise<InPageAnswer | undefined>,
  confirm?: { refused: (answer: InPageAnswer) => Error },
): Promise<Record<string, unknown>> {
  for (let attempt = 1; ; attempt += 1) {
    const answer = await send();
    if (!answer) {
      throw new SiteChangedError(`The ${on.context.site.profile} profile names no api.${apiKey}.`, {
        details: { step: "upload", profileKeys: [`api.${apiKey}`] },
      });
    }
    if (answer.status === 429 && attempt < BUSY_TRIES) {
      const seconds = Number(answer.retryAfter);
      await on.context.sleep(Math.min(30_000, Math.max(1000, Number.isFinite(seconds) ? seconds * 1000 : 5000)));
      continue;
    }
    if (answer.status === 402) {
      throw new QuotaExhaustedError("The site refused the upload: the account is out of credits (HTTP 402).", {
        details: { step: "upload", httpStatus: 402 },
      });
    }
    const json = answer.json as Record<string, unknown> | null;
    const ok = answer.status >= 200 && answer.status < 300;
    if (ok && (json || confirm)) return json ?? {};
    throw confirm?.refused(answer) ?? on.engine.refusal(apiKey, answer, []);
  }
}

/** Sends the file as the page's upload does — multipart `file`, `file_type`, `filename` — from inside the page. */
async function send(on: TaskContext, bytes: Buffer, format: UploadFormat, filename: string) {
  const { context } = on;
  const url = context.traffic.apiUrl("uploadAudio");
  const file = { field: "file", base64: bytes.toString("base64"), name: filename, type: AUDIO_MIMES[format] };
  const json = await answerOf(on, "uploadAudio", async () => {
    if (!url) return undefined;
    await context.traffic.prepare();
    return inPageMultipart(context.page, url, { fields: { file_type: AUDIO_MIMES[format], filename }, file });
  });
  const clipId = text(json.clip_id) ?? text(json.id);
  const operationId = text(json.operation_id);
  if (!clipId || !operationId) {
    throw new SiteChangedError("The site's answer to an upload named no clip_id (or id) and operation_id.", {
      details: { step: "upload", profileKeys: ["api.uploadAudio"], answerKeys: Object.keys(json) },
    });
  }
  return { clipId, operationId };
}

/** Asks the upload's check every 3 s until it is `complete` (a refused upload is complete too, a flag saying why). */
async function waitForCheck(on: TaskContext, clipId: string, operationId: string): Promise<UploadCheck> {
  const { context } = on;
  const deadline = Date.now() + context.site.timeouts.generationMs;
  for (;;) {
    const json = await answerOf(on, "uploadCheck", () =>
      context.traffic.fetchJson("uploadCheck", { vars: { clipId, operationId } }),
    );
    const status = text(json.status) ?? null;
    if (status !== null && /fail|error/i.test(status)) throw refused(`the check ended "${status}"`, { clipId });
    if (status === "complete") {
      return {
        status,
        hasVocals: json.has_vocals === true,
        hasCidMatch: json.has_cid_match === true,
        hasMinorVocals: json.has_minor_vocals === true,
        lyricsModerationFailed: json.lyrics_moderation_failed === true,
      };
    }
    if (Date.now() + UPLOAD_CHECK_POLL_MS > deadline) {
      throw new TimeoutError(`The site's check of upload ${clipId} was not complete in time (last "${status}").`, {
        details: { step: "upload", clipId, operationId },
      });
    }
    await context.sleep(UPLOAD_CHECK_POLL_MS);
  }
}

/** Reads the file to send, refusing before anything is sent what is no WAV, MP3, M4A, FLAC or OGG audio. */
async function readAudio(filePath: string): Promise<{ bytes: Buffer; format: UploadFormat }> {
  const bytes = await fs.readFile(filePath).catch((error: NodeJS.ErrnoException) => {
    throw new InvalidInputError(`The file ${filePath} cannot be read (${error.code ?? error.message}).`, [
      { path: "filePath", message: "is not a readable file" },
    ]);
  });
  const format = uploadFormatOf(bytes);
  if (!format) {
    throw new InvalidInputError(
      `The file ${path.basename(filePath)} is no WAV, MP3, M4A, FLAC or OGG audio (first bytes ${bytes.subarray(0, 8).toString("hex") || "none"}); nothing was sent.`,
      [{ path: "file", message: "must be WAV, MP3, M4A, FLAC or OGG audio" }],
    );
  }
  return { bytes, format };
}

/** A song kept with its vocals: the confirm call, the check's flags sent back; the site refusing it is UPLOAD_REFUSED. */
async function confirm(on: TaskContext, check: UploadCheck & { clipId: string; operationId: string }) {
  const { clipId } = check;
  const body = {
    operation_id: check.operationId,
    has_vocals: true,
    has_cid_match: check.hasCidMatch,
    has_minor_vocals: check.hasMinorVocals,
  };
  await answerOf(
    on,
    "uploadConfirm",
    () => on.context.traffic.fetchJson("uploadConfirm", { method: "POST", vars: { clipId }, body }),
    {
      refused: (answer) => {
        const { httpStatus, siteReason } = on.engine.refusal("uploadConfirm", answer, []).details;
        return refused("vocals not allowed", { ...check, httpStatus, siteReason });
      },
    },
  );
}

/**
 * `upload { filePath, filename?, removeVocals?, keepVocals? }` → `{ clipId, operationId, hasVocals, … }`: the
 * file checked by its first bytes, sent from inside the page, its check awaited; then protected content, lyrics
 * moderation and vocals are UPLOAD_REFUSED, with no further call — unless `removeVocals` (the vocals are removed
 * and the new clip answered) or `keepVocals` (the upload is confirmed with its vocals, as the site allows).
 */
const upload: SiteTaskHandler = async (task: SiteTask, on) => {
  const { context } = on;
  if (task.removeVocals === true && task.keepVocals === true) {
    throw new InvalidInputError("removeVocals and keepVocals cannot both be asked; nothing was sent.", [
      { path: "keepVocals", message: "cannot be given with removeVocals" },
    ]);
  }
  const filePath = String(task.filePath);
  const { bytes, format } = await readAudio(filePath);
  const filename = typeof task.filename === "string" && task.filename ? task.filename : path.basename(filePath);
  if (!context.site.api.uploadAudio || !context.site.api.uploadCheck) {
    throw new InvalidInputError(`The ${context.site.profile} profile names no upload paths; nothing was sent.`, [
      { path: "kind", message: "needs api.uploadAudio and api.uploadCheck in the site profile" },
    ]);
  }
  if (task.keepVocals === true && !context.site.api.uploadConfirm) {
    throw new InvalidInputError(`The ${context.site.profile} profile names no upload confirm; nothing was sent.`, [
      { path: "keepVocals", message: "needs api.uploadConfirm in the site profile" },
    ]);
  }
  context.step.name = "upload";
  const { clipId, operationId } = await send(on, bytes, format, filename);
  context.logger.info({ clipId, format, sizeBytes: bytes.length }, "uploaded; waiting for the site's check");
  const check = await waitForCheck(on, clipId, operationId);
  const facts = { clipId, operationId, ...check };
  if (check.hasCidMatch) throw refused("protected content", facts);
  if (check.lyricsModerationFailed) throw refused("lyrics moderation", facts);
  const sizeBytes = bytes.length;
  const answer = {
    clipId,
    operationId,
    filename,
    format,
    sizeBytes,
    ...check,
    vocalsRemoved: false,
    vocalsKept: false,
  };
  if (!check.hasVocals) return answer;
  if (task.keepVocals === true) {
    await confirm(on, facts);
    return { ...answer, vocalsKept: true };
  }
  if (task.removeVocals !== true) throw refused("vocals not allowed", facts);
  const removed = await answerOf(on, "uploadRemoveVocals", () =>
    context.traffic.fetchJson("uploadRemoveVocals", {
      method: "POST",
      vars: { clipId },
      body: { operation_id: operationId },
    }),
  );
  const withoutVocals = text(removed.clip_id);
  return { ...answer, clipId: withoutVocals ?? clipId, uploadedClipId: clipId, vocalsRemoved: true };
};

export const UPLOAD_TASKS: Readonly<Record<string, SiteTaskHandler>> = { upload };
