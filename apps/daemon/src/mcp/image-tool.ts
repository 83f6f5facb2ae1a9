import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { IMAGE_ASPECTS, LIMITS } from "@producer/core";
import { answer } from "./tool-answers.js";
import type { ToolContext } from "./tools.js";

/** create_image: one image from the site's image tool, stored beside the songs; answers where it is. */
export function addImageTool(server: McpServer, context: ToolContext): void {
  server.registerTool(
    "create_image",
    {
      title: "Make an image",
      description:
        "Makes one image of the prompt with the site's image tool (the site may charge for it; its price is not known), checks it is a JPEG or PNG and stores it beside the songs; answers { key, url, format, sizeBytes, sha256 }. For a song's cover, generate_music with image: true makes one and links it from each track.",
      inputSchema: z.strictObject({
        prompt: z.string().min(1).max(LIMITS.promptChars).describe("What the image shows, in words."),
        aspect: z
          .enum(IMAGE_ASPECTS)
          .optional()
          .describe("The image's shape: 1:1 (the default, a cover), 16:9 or 9:16."),
        account: z.string().optional().describe("Run on this account (of several)."),
      }),
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
    },
    (args) =>
      answer(async () => {
        const { result } = await context.producer.runTask({ kind: "image.create", ...args });
        return {
          text: `Image stored: ${String(result.url)} (${String(result.format).toUpperCase()}, ${String(result.sizeBytes)} bytes).`,
          structured: result,
        };
      }),
  );
}
