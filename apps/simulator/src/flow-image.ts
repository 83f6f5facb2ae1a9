import { createHash, randomUUID } from "node:crypto";
import type { Context } from "hono";
import type { FlowContext } from "./flow-context.js";
import { closeStream, sendToolReturn } from "./flow-generation.js";
import type { FlowStore } from "./flow-store.js";
import {
  answerJob,
  chargeToolRun,
  countFault,
  failToolCall,
  refuseForCredits,
  takeToolCall,
  type ToolCallRequest,
} from "./flow-tool-job.js";
import { tinyJpeg } from "./tiny-jpeg.js";

/** The aspect ratios the facts give `image__create_image`. */
const ASPECTS = ["1:1", "16:9", "9:16"];

/** The images made, by id, for each app (a store is one app). */
const madeImages = new WeakMap<FlowStore, Map<string, { account: string; prompt: string; aspect: string }>>();
const imagesOf = (context: FlowContext) => {
  let images = madeImages.get(context.store);
  if (!images) {
    images = new Map();
    madeImages.set(context.store, images);
  }
  return images;
};

/** Why the arguments are not the facts' `{ prompt, aspect_ratio, image_urls: null }`, or undefined. */
function badArgs(args: Record<string, unknown>): string | undefined {
  if (typeof args.prompt !== "string" || !args.prompt.trim()) return "prompt is required";
  if (!ASPECTS.includes(String(args.aspect_ratio))) return `aspect_ratio must be one of ${ASPECTS.join(", ")}`;
  if (args.image_urls !== null && args.image_urls !== undefined && !Array.isArray(args.image_urls))
    return "image_urls must be null or a list";
  return undefined;
}

/**
 * `image__create_image { prompt, aspect_ratio: "1:1"|"16:9"|"9:16", image_urls: null }` → `{ image_url }`: a jpg on
 * the public storage (fetched without cookies, like `audio_url`). The facts price no image: it charges nothing,
 * but a run is counted in `toolRuns`, and the out-of-credits fault refuses it with 402 as it does any tool call.
 * `stream-error` answers the stream's moderation `error` instead of a tool-return; `reply-lost` cuts the answer
 * after the image was made.
 */
export function createImage(context: FlowContext, c: Context, request: ToolCallRequest): Response | Promise<Response> {
  const refused = refuseForCredits(context, c, request.account, 0);
  if (refused) return refused;
  const { job, call } = takeToolCall(context, request);
  const reason = badArgs(request.args);
  if (reason) {
    failToolCall(context, job, call, reason);
    return c.json({ job_id: job.id });
  }
  if (context.faults.fire("stream-error")) {
    countFault(context, "stream-error");
    job.later(context.settings.toolReturnDelayMs, () => {
      job.push("error", {
        type: "moderation",
        message: "Your image request was flagged by our content filter. Try a different description.",
        raw_error: "moderation: image prompt flagged",
      });
      closeStream(context, job, false);
    });
    return c.json({ job_id: job.id });
  }
  chargeToolRun(context, request.account, call.tool_name, 0);
  const imageId = randomUUID();
  const prompt = String(request.args.prompt);
  imagesOf(context).set(imageId, { account: request.account, prompt, aspect: String(request.args.aspect_ratio) });
  job.later(context.settings.toolReturnDelayMs, () => {
    sendToolReturn(context, job, call, { image_url: `${context.storageOrigin()}/images/made/${imageId}.jpg` });
    closeStream(context, job, false);
  });
  return answerJob(context, c, job);
}

/** The bytes of a made image (a small JPEG of its own), recorded in `stats.imagesServed`; undefined for none. */
export function imageFile(context: FlowContext, file: string): Buffer | undefined {
  const match = /^([0-9a-f-]{36})\.jpg$/.exec(file);
  const made = match ? imagesOf(context).get(match[1] as string) : undefined;
  if (!match || !made) return undefined;
  const bytes = tinyJpeg(`${match[1]} ${made.prompt} ${made.aspect}`);
  const stats = context.stats();
  stats.imagesServed.push({ imageId: match[1] as string, sha256: createHash("sha256").update(bytes).digest("hex") });
  return bytes;
}
