import { InvalidInputError } from "@producer/utils";
import type { Site } from "../site.js";
import { IMAGE_TASKS } from "./image.js";
import { LIBRARY_TIDY_TASKS } from "./library-tidy.js";
import { LYRICS_TASKS } from "./lyrics.js";
import { MODEL_TASKS } from "./models.js";
import type { SiteTaskHandler } from "./site-task-handler.js";
import { DESCRIBE_TASKS } from "./song-describe.js";
import { UPLOAD_TASKS } from "./upload.js";

/**
 * Every task the driver can run, by kind: each kind is one file of this folder saying what it sends and what
 * comes back. A kind the profile's site cannot do refuses before anything is sent.
 */
export const SITE_TASK_HANDLERS: Readonly<Record<string, SiteTaskHandler>> = {
  ...LYRICS_TASKS,
  ...MODEL_TASKS,
  ...DESCRIBE_TASKS,
  ...LIBRARY_TIDY_TASKS,
  ...IMAGE_TASKS,
  ...UPLOAD_TASKS,
};

/** The handler of a task's kind; INVALID_INPUT, before anything is sent, for a kind the driver or site lacks. */
export function taskHandler(site: Site, kind: string): SiteTaskHandler {
  const handler = Object.hasOwn(SITE_TASK_HANDLERS, kind) ? SITE_TASK_HANDLERS[kind] : undefined;
  if (handler && site.flow === "compose-2026") return handler;
  throw new InvalidInputError(
    handler
      ? `The ${site.profile} profile's site cannot run "${kind}"; nothing was sent.`
      : `There is no task "${kind}" (known: ${Object.keys(SITE_TASK_HANDLERS).join(", ") || "none"}).`,
    [{ path: "kind", message: handler ? `is not available on the ${site.profile} site` : "is not a known task" }],
  );
}
