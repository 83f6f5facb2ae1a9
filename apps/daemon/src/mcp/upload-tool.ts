import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { SiteTasks } from "@producer/core";
import { answer } from "./tool-answers.js";
import type { ToolContext } from "./tools.js";

/** upload_audio: one's own audio file, uploaded to the account's library; answers the clip to operate on. */
export function addUploadTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "upload_audio",
    {
      title: "Upload your own audio",
      description:
        "Free as far as is known (no price of an upload is known): uploads a local WAV, MP3, M4A, FLAC or OGG file (at most 100 MB; anything else is refused before it is sent) to the account's library as the site's own upload does, waits for the site's check and answers { clipId, operationId, hasVocals, vocalsRemoved, vocalsKept, … }. The clip is a source for operate_song (cover, extend, stems), which do. The site refuses protected content, lyrics that fail its moderation and songs with vocals unless removeVocals or keepVocals (UPLOAD_REFUSED with the reason).",
      inputSchema: z.strictObject({
        path: z.string().min(1).max(4096).describe("The audio file's path on this machine."),
        removeVocals: z
          .boolean()
          .optional()
          .describe("When the site finds vocals, remove them and answer the clip without them."),
        keepVocals: z
          .boolean()
          .optional()
          .describe(
            "When the site finds vocals, keep the song with them (the site is asked to confirm it); not with removeVocals.",
          ),
        account: z.string().optional().describe("Upload to this account (of several)."),
      }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    ({ path, ...rest }) =>
      answer(async () => {
        const uploader = (context.producer as Partial<SiteTasks>).uploadAudio;
        const { result } = uploader
          ? await uploader.call(context.producer, { file: path, ...rest })
          : await context.producer.runTask({ kind: "upload", filePath: path, ...rest });
        return {
          text: `Uploaded: clip ${String(result.clipId)}${result.vocalsRemoved ? " (vocals removed)" : result.vocalsKept ? " (vocals kept)" : ""}.`,
          structured: result,
        };
      }),
  );
}
