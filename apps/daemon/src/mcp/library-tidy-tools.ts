import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import { SONG_PRIVACY, type CleanupResult, type SiteTaskInput } from "@producer/core";
import { answer } from "./tool-answers.js";
import type { ToolContext } from "./tools.js";

const ids = (what: string) => z.array(z.string().min(1)).min(1).max(100).describe(`The ${what} ids (1–100).`);
const account = z
  .string()
  .optional()
  .describe("The account whose library holds them (the daemon's first when absent).");

/**
 * tidy_song: rename a song or set who may see songs on the site (free, changes only what is asked);
 * delete_from_library: delete songs or conversations on the site, or clean up what producer made — destructive,
 * so nothing is deleted unless `apply` is true.
 */
export function addLibraryTidyTools(server: McpServer, context: ToolContext): void {
  const run = (task: SiteTaskInput) => context.producer.runTask(task);
  server.registerTool(
    "tidy_song",
    {
      title: "Rename a song or set its privacy",
      description:
        "Free. Renames one song on the site (title, with one clipId) and/or sets who may see songs (privacy: public, unlisted — the site's default for new songs — or private); one change per song. Answers each song's title and privacy.",
      inputSchema: {
        clipIds: ids("songs' site clip"),
        title: z.string().min(1).max(200).optional().describe("The new title (one song only)."),
        privacy: z.enum(SONG_PRIVACY).optional().describe("Who may see the songs."),
        account,
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    (args) =>
      answer(async () => {
        const scope = args.account ? { account: args.account } : {};
        if (args.title === undefined && args.privacy === undefined) throw new Error("Give a title, a privacy or both.");
        if (args.title !== undefined && args.clipIds.length !== 1) throw new Error("A title renames one song only.");
        const lines: string[] = [];
        const structured: Record<string, unknown> = {};
        if (args.title !== undefined) {
          const clipId = args.clipIds[0] as string;
          structured.renamed = (await run({ kind: "library.rename", clipId, title: args.title, ...scope })).result;
          lines.push(`${clipId} is now titled "${args.title}".`);
        }
        if (args.privacy !== undefined) {
          const { result } = await run({
            kind: "library.privacy",
            clipIds: args.clipIds,
            privacy: args.privacy,
            ...scope,
          });
          structured.privacy = result;
          lines.push(`${(result.clips as unknown[]).length} song(s) now ${args.privacy}.`);
        }
        return { text: lines.join("\n"), structured };
      }),
  );

  server.registerTool(
    "delete_from_library",
    {
      title: "Delete songs or conversations on the site",
      description:
        "Free. Deletes on the site, for good (the tracks stored here stay): the songs of clipIds, the conversations of conversationIds, or with cleanup only what producer made (the songs of its stored tracks, never one made elsewhere or not stored yet; with cleanup.conversations its own conversations too), filtered by olderThanDays and title prefix. Nothing is deleted unless apply is true: without it the answer lists what would be deleted.",
      inputSchema: {
        clipIds: ids("songs' site clip").optional(),
        conversationIds: ids("conversations'").optional(),
        cleanup: z
          .object({
            olderThanDays: z.number().min(0).optional(),
            prefix: z.string().min(1).max(200).optional(),
            conversations: z.boolean().optional(),
          })
          .optional()
          .describe("Clean up what producer made instead of naming ids."),
        apply: z.boolean().default(false).describe("Delete for real; false (the default) only lists."),
        account,
      },
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: true },
    },
    (args) =>
      answer(async () => {
        const scope = args.account ? { account: args.account } : {};
        if (args.cleanup) {
          const { result } = await run({ kind: "library.cleanup", ...args.cleanup, apply: args.apply, ...scope });
          return { text: cleanupText(result as unknown as CleanupResult), structured: result };
        }
        const clipIds = args.clipIds ?? [];
        const conversationIds = args.conversationIds ?? [];
        if (clipIds.length + conversationIds.length === 0)
          throw new Error("Name clipIds or conversationIds, or give cleanup.");
        if (!args.apply) {
          const text = `Would delete ${clipIds.length} song(s) and ${conversationIds.length} conversation(s); nothing was deleted (apply: true deletes them).`;
          return { text, structured: { dryRun: true, clipIds, conversationIds } };
        }
        const songs = clipIds.length > 0 ? (await run({ kind: "library.delete", clipIds, ...scope })).result : null;
        const conversations =
          conversationIds.length > 0
            ? (await run({ kind: "conversations.delete", conversationIds, ...scope })).result
            : null;
        const text = `Deleted ${clipIds.length} song(s) and ${(conversations?.deleted as unknown[] | undefined)?.length ?? 0} conversation(s) on the site.`;
        return { text, structured: { dryRun: false, songs, conversations } };
      }),
  );
}

function cleanupText(result: CleanupResult): string {
  const what = `${result.songs.length} song(s) and ${result.conversations.length} conversation(s)`;
  const head = result.dryRun
    ? `Would delete ${what}; nothing was deleted (apply: true deletes them).`
    : `Deleted ${result.deleted.songs} song(s) and ${result.deleted.conversations} conversation(s).`;
  const kept = result.kept.map((item) => `Kept ${item.id}: ${item.reason}.`);
  return [head, ...result.songs.map((song) => `${song.clipId} ${song.title}`), ...kept].join("\n");
}
