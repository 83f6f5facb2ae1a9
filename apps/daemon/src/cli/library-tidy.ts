import { parseArgs } from "node:util";
import type { CleanupResult } from "@producer/core/client";
import { daemonClient } from "./daemon-client.js";
import { numberOrText } from "./generate.js";
import { flagOptions, valueOptions } from "./options.js";
import { json, print } from "./output.js";
import { UsageError } from "./usage-error.js";

const PRIVACY = ["public", "unlisted", "private"];

/** The `--help` texts of `producer library`'s subcommands. */
export const LIBRARY_TIDY_HELP: Record<string, string> = {
  rename: `producer library rename <clip> <title> [--account A] [--json] — rename a song on the site (free)`,
  privacy: `producer library privacy <clip> [<clip> …] --set public|unlisted|private [--account A] [--json]
  — who may see the songs on the site (new songs are unlisted; site.songPrivacy sets each new one); free`,
  delete: `producer library delete <clip> [<clip> …] [--yes] [--account A] [--json] — delete songs on the site

Deleting is final on the site; the tracks stored here stay. Without --yes nothing is deleted: the songs are named.`,
  cleanup: `producer library cleanup [--older-than 30d] [--prefix P] [--conversations] [--yes] [--account A] [--json]

Deletes on the site only what producer made there: the songs of the tracks it stored (never one made outside
producer or imported, never one a job that has not succeeded names, so never a song not stored yet) and, with
--conversations, the conversations its tool calls opened. Without --yes it is a dry run: it lists what it would
delete and deletes nothing. The tracks stored here stay.
  --older-than D       only what is older than D (30d, 12h, 2w; days when no unit)
  --prefix P           only songs whose title starts with P (case aside)
  --conversations      also producer's own conversations      --yes   delete what is listed`,
  conversations: `producer library conversations [--limit N] [--offset N] [--account A] [--json]
  — the account's conversations on the site, newest first, each with how many songs it holds (free)`,
};

/** `--older-than 30d` → days (h, d and w units; a bare number is days). */
export function olderThanDays(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*(h|d|w)?$/i.exec(text.trim());
  if (!match) throw new UsageError(`--older-than takes an age like 30d, 12h or 2w, not "${text}".`);
  const unit = (match[2] ?? "d").toLowerCase();
  return Number(match[1]) * (unit === "h" ? 1 / 24 : unit === "w" ? 7 : 1);
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** The words and options of a subcommand: each `--value V` as text, each flag as true or absent. */
function parse(args: string[], values: string[], flags: string[]) {
  const parsed = parseArgs({
    args,
    allowPositionals: true,
    options: { ...valueOptions("account", ...values), ...flagOptions("json", ...flags) },
  });
  const text = (name: string) => {
    const value = (parsed.values as Record<string, unknown>)[name];
    return typeof value === "string" ? value : undefined;
  };
  const flag = (name: string) => (parsed.values as Record<string, unknown>)[name] === true;
  return { positionals: parsed.positionals, text, flag, json: flag("json"), account: account(text("account")) };
}

/** Runs `producer library <subcommand> …`; undefined when the first word is no subcommand. */
export function runLibraryTidy(args: string[]): Promise<number> | undefined {
  const [word, ...rest] = args;
  const run = word && Object.hasOwn(SUBCOMMANDS, word) ? SUBCOMMANDS[word] : undefined;
  return run?.(rest);
}

const SUBCOMMANDS: Record<string, (args: string[]) => Promise<number>> = {
  async rename(args) {
    const { positionals, ...values } = parse(args, [], []);
    const [clipId, ...words] = positionals;
    if (!clipId || words.length === 0) throw new UsageError("producer library rename takes a clip id and a title.");
    const answer = await (await daemonClient()).renameSong({ clipId, title: words.join(" "), ...values.account });
    if (values.json) json(answer);
    else print(`${clipId}: now "${(answer.result.clip as { title?: string } | undefined)?.title ?? words.join(" ")}"`);
    return 0;
  },
  async privacy(args) {
    const { positionals, ...values } = parse(args, ["set"], []);
    if (positionals.length === 0) throw new UsageError("producer library privacy takes one clip id or more.");
    const privacy = values.text("set") ?? "";
    if (!PRIVACY.includes(privacy)) throw new UsageError(`producer library privacy needs --set ${PRIVACY.join("|")}.`);
    const answer = await (await daemonClient()).setSongPrivacy({
      clipIds: positionals,
      privacy: privacy as "public" | "unlisted" | "private",
      ...values.account,
    });
    if (values.json) json(answer);
    else {
      for (const clip of (answer.result.clips ?? []) as Array<{ id: string; privacy: string }>)
        print(`${clip.id}: ${clip.privacy}`);
      for (const id of (answer.result.notFound ?? []) as string[]) print(`${id}: not found on the account`);
    }
    return Array.isArray(answer.result.notFound) && answer.result.notFound.length > 0 ? 1 : 0;
  },
  async delete(args) {
    const { positionals, ...values } = parse(args, [], ["yes"]);
    if (positionals.length === 0) throw new UsageError("producer library delete takes one clip id or more.");
    if (!values.flag("yes")) {
      if (values.json) json({ dryRun: true, clipIds: positionals });
      else
        print(`would delete ${plural(positionals.length, "song")} on the site: ${positionals.join(", ")}
nothing was deleted: add --yes to delete them (final on the site; the tracks stored here stay)`);
      return 0;
    }
    const answer = await (await daemonClient()).deleteSongs({ clipIds: positionals, ...values.account });
    if (values.json) json(answer);
    else print(`deleted ${plural(positionals.length, "song")} on the site`);
    return 0;
  },
  async cleanup(args) {
    const { positionals, ...values } = parse(args, ["older-than", "prefix"], ["conversations", "yes"]);
    if (positionals.length > 0) throw new UsageError("producer library cleanup takes no clip; see --help.");
    const age = values.text("older-than");
    const prefix = values.text("prefix");
    const answer = await (await daemonClient()).cleanupLibrary({
      ...(age !== undefined ? { olderThanDays: olderThanDays(age) } : {}),
      ...(prefix ? { prefix } : {}),
      conversations: Boolean(values.flag("conversations")),
      apply: Boolean(values.flag("yes")),
      ...values.account,
    });
    if (values.json) json(answer);
    else printCleanup(answer.result);
    return 0;
  },
  async conversations(args) {
    const { positionals, ...values } = parse(args, ["limit", "offset"], []);
    if (positionals.length > 0) throw new UsageError("producer library conversations takes no id; see --help.");
    const [limit, offset] = [values.text("limit"), values.text("offset")];
    const answer = await (await daemonClient()).listConversations({
      ...(limit !== undefined ? { limit: numberOrText(limit) as number } : {}),
      ...(offset !== undefined ? { offset: numberOrText(offset) as number } : {}),
      ...values.account,
    });
    if (values.json) json(answer);
    else {
      const rows = (answer.result.conversations ?? []) as Array<{
        id: string;
        title: string | null;
        clipCount: number | null;
      }>;
      if (rows.length === 0) print("no conversations");
      for (const row of rows) print(`${row.id}  ${row.title ?? "(untitled)"}  (${plural(row.clipCount ?? 0, "song")})`);
    }
    return 0;
  },
};

const account = (name: string | undefined) => (name ? { account: name } : {});

function printCleanup(result: CleanupResult): void {
  const what = `${plural(result.songs.length, "song")} and ${plural(result.conversations.length, "conversation")}`;
  const on = `on account ${result.account ?? "(default)"}`;
  print(result.dryRun ? `would delete ${what} ${on} (a dry run: nothing was deleted; add --yes to delete)` : `${on}:`);
  for (const song of result.songs)
    print(`  song ${song.clipId}  ${song.title}  (stored ${song.storedAt}, track ${song.trackId})`);
  for (const conversation of result.conversations)
    print(`  conversation ${conversation.id}  (made ${conversation.madeAt})`);
  for (const kept of result.kept) print(`  kept ${kept.id}${kept.title ? `  ${kept.title}` : ""}: ${kept.reason}`);
  if (!result.dryRun)
    print(
      `deleted ${plural(result.deleted.songs, "song")} and ${plural(result.deleted.conversations, "conversation")} on the site`,
    );
}
