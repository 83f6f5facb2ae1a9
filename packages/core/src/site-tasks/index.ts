import { IMAGE_TASK_SPECS } from "./image.js";
import { LIBRARY_CLEANUP_SPECS } from "./library-cleanup.js";
import { LIBRARY_TIDY_SPECS } from "./library-tidy.js";
import { LYRICS_TASK_SPECS } from "./lyrics.js";
import { MODEL_TASK_SPECS } from "./models.js";
import type { SiteTaskSpec } from "./site-task-spec.js";
import { DESCRIBE_TASK_SPECS } from "./song-describe.js";
import { UPLOAD_TASK_SPECS } from "./upload.js";

/**
 * Every task the service takes, by kind (`lyrics.write`, `image.create`, …): each kind is one file of this folder
 * with its settings' schema and, where the answer needs it, a finishing step.
 */
export const SITE_TASKS: Readonly<Record<string, SiteTaskSpec>> = {
  ...LYRICS_TASK_SPECS,
  ...MODEL_TASK_SPECS,
  ...IMAGE_TASK_SPECS,
  ...DESCRIBE_TASK_SPECS,
  ...LIBRARY_TIDY_SPECS,
  ...LIBRARY_CLEANUP_SPECS,
  ...UPLOAD_TASK_SPECS,
};
