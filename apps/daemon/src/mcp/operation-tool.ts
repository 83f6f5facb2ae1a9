import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { operateInputSchema, type QueuedResult } from "@producer/core";
import type { McpToolsOptions } from "./tools.js";
import { queuedAnswer, type ToolContext } from "./tools.js";
import { answer } from "./tool-answers.js";
import { songCredits } from "../operation-costs.js";

/** operate_song: one tool for every operation on a song that exists, followed with wait_for_generation. */
export function addOperationTool(server: McpServer, context: ToolContext, site: McpToolsOptions["site"]): void {
  const song = songCredits(site);
  server.registerTool(
    "operate_song",
    {
      title: "Extend, redo, cover, split, trim, speed up, convert or import a song",
      description: `Does one thing to a song that exists — a trackId from list_tracks, or a clipId of the account's library — as a job, and answers at once with its id (or waits up to waitSecs). operation.kind: extend (seconds 1–240, fromSecs, prompt), replace (regions [{startSecs, endSecs}], prompt), cover (prompt, strength 0–1), stems, trim (startSecs, endSecs), speed (factor 0.5–2, semitones −12..12), convert (format), import (a clipId of the library stored as a track, as it is). Cost: extend, replace and cover make new songs and spend ${song}; stems, trim and speed make new clips and the site may charge for them; convert is free (the site converts on download), and so is import. A job that reached the site is never sent twice; retry_generation fetches a recoverable one without paying again. Follow it with wait_for_generation; its tracks name their source (operation, sourceTrackId, sourceClipId).`,
      inputSchema: operateInputSchema.omit({ useQueue: true }).extend({
        waitSecs: context.waitSecs
          .optional()
          .describe(`Wait this long for the job to end before answering (0, the default, answers at once).`),
      }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args, extra) =>
      answer(async () => {
        const { waitSecs: wait, ...input } = args;
        const queued = (await context.producer.operate({ ...input, useQueue: true })) as QueuedResult;
        return queuedAnswer(context, queued, wait, extra);
      }),
  );
}
