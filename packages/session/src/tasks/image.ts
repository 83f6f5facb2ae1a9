import { randomUUID } from "node:crypto";
import fs from "node:fs/promises";
import path from "node:path";
import {
  abortReason,
  DownloadFailedError,
  InvalidInputError,
  SiteChangedError,
  type SiteTask,
  type SubmissionRecord,
} from "@producer/utils";
import type { FlowContext } from "../flow-context.js";
import type { SiteTaskHandler } from "./site-task-handler.js";

/** The image formats a fetched image may be, told by its first bytes. */
export type ImageFormat = "jpg" | "png";

/** The format of an image's bytes — JPEG `FF D8 FF`, PNG `89 50 4E 47` — or undefined for anything else. */
export function imageFormatOf(bytes: Uint8Array): ImageFormat | undefined {
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpg";
  if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return "png";
  return undefined;
}

/**
 * Fetches an image's public storage link from here, without cookies (as `audio_url`: a credentialed
 * cross-origin fetch fails CORS), into the task's folder; the file counts only when its first bytes are a JPEG
 * or a PNG.
 */
async function fetchImage(context: FlowContext, imageUrl: string): Promise<{ filePath: string; format: ImageFormat }> {
  const { site, signal } = context;
  const timeout = AbortSignal.timeout(site.timeouts.downloadMs);
  const response = await fetch(new URL(imageUrl, site.baseUrl), {
    signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    redirect: "follow",
  }).catch((error: unknown) => {
    if (signal?.aborted) throw abortReason(signal);
    throw new DownloadFailedError(`The image's storage link could not be fetched: ${(error as Error).message}`, {
      cause: error,
      details: { step: "download" },
    });
  });
  if (!response.ok) {
    await response.body?.cancel().catch(() => undefined);
    throw new DownloadFailedError(`The image's storage link answered HTTP ${response.status}.`, {
      details: { step: "download", httpStatus: response.status },
    });
  }
  const bytes = new Uint8Array(await response.arrayBuffer());
  const format = imageFormatOf(bytes);
  if (!format) {
    throw new DownloadFailedError(
      `The image's storage link gave ${bytes.length} bytes that are no JPEG or PNG (first bytes ${Buffer.from(bytes.subarray(0, 4)).toString("hex") || "none"}).`,
      { details: { step: "download", sizeBytes: bytes.length } },
    );
  }
  await fs.mkdir(context.directory, { recursive: true, mode: 0o700 });
  const filePath = path.join(context.directory, `image-${randomUUID().slice(0, 8)}.${format}`);
  await fs.writeFile(filePath, bytes, { mode: 0o600 });
  return { filePath, format };
}

/**
 * `image.create { prompt, aspect? }` → `{ filePath, format, imageUrl }`: one `image__create_image { prompt,
 * aspect_ratio, image_urls: null }` call (recorded before it leaves), then its `image_url` fetched and checked.
 */
const createImage: SiteTaskHandler = async (task: SiteTask, on) => {
  const { context, engine } = on;
  const tool = context.site.tools.createImage;
  if (!tool) {
    throw new InvalidInputError(
      `The ${context.site.profile} profile names no image tool (tools.createImage); nothing was sent.`,
      [{ path: "kind", message: "needs tools.createImage in the site profile" }],
    );
  }
  const prompt = String(task.prompt);
  const record: SubmissionRecord = { state: "sending", submittedAt: new Date().toISOString(), prompt };
  const args = { prompt, aspect_ratio: typeof task.aspect === "string" ? task.aspect : "1:1", image_urls: null };
  const content = await engine.ask(tool, args, record);
  const imageUrl = content.image_url;
  if (typeof imageUrl !== "string" || !imageUrl) {
    throw new SiteChangedError(
      `The ${tool} answer carries no image_url (it has ${Object.keys(content).join(", ") || "nothing"}).`,
      { details: { step: "tool", tool, answerKeys: Object.keys(content), profileKeys: ["answers.toolReturns"] } },
    );
  }
  context.step.name = "download";
  const file = await fetchImage(context, imageUrl);
  return { ...file, imageUrl };
};

/** The image tasks: make a cover image for a prompt. */
export const IMAGE_TASKS = { "image.create": createImage } as const;
