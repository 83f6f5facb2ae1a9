import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { LIMITS } from "@producer/core";
import { answer } from "./tool-answers.js";
import type { ToolContext } from "./tools.js";

/** write_lyrics: lyrics written by the site's lyrics tool, or given lyrics rewritten as the prompt asks. */
export function addLyricsTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "write_lyrics",
    {
      title: "Write or rewrite lyrics",
      description:
        "Writes lyrics about the prompt with the site's lyrics tool (lyrics__create), or, given lyrics, rewrites them as the prompt asks (lyrics__register, then lyrics__edit); no source prices the lyrics tools (no song is made). Answers { title?, lyrics, lyricsId }. To sing them, pass them as lyrics to generate_music — or give generate_music a lyricsPrompt and it writes them itself.",
      inputSchema: z.strictObject({
        prompt: z
          .string()
          .min(1)
          .max(LIMITS.promptChars)
          .describe("What the lyrics are about, or how to rewrite the given ones."),
        lyrics: z
          .string()
          .min(1)
          .max(LIMITS.lyricsChars)
          .optional()
          .describe("Lyrics to rewrite; new lyrics are written when absent."),
        account: z.string().optional().describe("Run on this account (of several)."),
      }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    ({ lyrics, ...args }) =>
      answer(async () => {
        const { result } = await context.producer.runTask({
          kind: lyrics === undefined ? "lyrics.write" : "lyrics.edit",
          ...(lyrics === undefined ? {} : { lyrics }),
          ...args,
        });
        const title = typeof result.title === "string" && result.title ? `${result.title}\n\n` : "";
        return {
          text: `${title}${String(result.lyrics)}\n\n(lyrics id ${String(result.lyricsId) || "none"})`,
          structured: result,
        };
      }),
  );
}
