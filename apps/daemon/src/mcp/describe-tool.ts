import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { describeSongFields } from "@producer/core";
import { answer } from "./tool-answers.js";
import type { ToolContext } from "./tools.js";

/** describe_song: what a song holds — the site's caption of it and the lyrics it sings — kept on its tracks. */
export function addDescribeTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "describe_song",
    {
      title: "Describe a song",
      description:
        "Asks the site what a song holds: a caption of its sound (audio__caption), the lyrics it sings (audio__transcribe) and the model that made it (songs__get_metadata), one call each; the site charges little or nothing for caption and transcribe. Give a trackId (from list_tracks) or a site clipId. Answers { clipId, caption, lyrics, model, trackIds }; the stored tracks of the song keep them (the model where a track names none), so list_tracks with search finds the song by its caption or lyrics. generate_music with describe: true describes its songs itself.",
      inputSchema: describeSongFields.extend({
        account: z.string().optional().describe("The account whose library holds a clip (a track runs on its own)."),
      }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (args) =>
      answer(async () => {
        const { result } = await context.producer.runTask({ kind: "song.describe", ...args });
        const lyrics = String(result.lyrics);
        const model = typeof result.model === "string" ? `\nModel: ${result.model}` : "";
        return {
          text: `Caption: ${String(result.caption)}${model}\nLyrics:\n${lyrics}`,
          structured: result,
        };
      }),
  );
}
