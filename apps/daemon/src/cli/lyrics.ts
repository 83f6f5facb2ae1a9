import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { flagOptions, valueOptions } from "./options.js";
import { json, print } from "./output.js";
import { UsageError } from "./usage-error.js";

const WRITE_HELP = `producer lyrics "<prompt>" [--account A] [--json] — write lyrics with the site's lyrics tool

Asks the site to write lyrics about the prompt (lyrics__create; the facts price no lyrics tool) and prints their
title, the lyrics and their id (uuid v5 of the text, as the app computes it). Sing them with
producer generate "<sound>" --lyrics "<text>", or let a generation write its own: --lyrics-prompt "<prompt>".
  producer lyrics edit <text|@file> --prompt P   rewrite lyrics as P asks (producer lyrics edit --help)
  --account A   run on this account (of several)
  --json        { title, lyrics, lyricsId }`;

const EDIT_HELP = `producer lyrics edit <text|@file> --prompt P [--account A] [--json] — rewrite lyrics

Registers the lyrics with the site (lyrics__register), asks it to rewrite them as the prompt says (lyrics__edit),
and prints the new lyrics and their id. @file reads the lyrics from a file.
  --prompt P    how to rewrite them (required)
  --account A   run on this account (of several)
  --json        { lyrics, lyricsId }`;

/** The lyrics an argument names: the text itself, or a file's with `@path`. */
async function lyricsOf(argument: string): Promise<string> {
  if (!argument.startsWith("@")) return argument;
  try {
    return await readFile(argument.slice(1), "utf8");
  } catch (error) {
    throw new UsageError(`Cannot read the lyrics file ${argument.slice(1)}: ${(error as Error).message}`);
  }
}

async function lyrics(args: string[]): Promise<number> {
  const edit = args[0] === "edit";
  const { values, positionals } = parseArgs({
    args: edit ? args.slice(1) : args,
    allowPositionals: true,
    options: { ...valueOptions("prompt", "account"), ...flagOptions("json") },
  });
  if (positionals.length !== 1) {
    throw new UsageError(
      edit
        ? "producer lyrics edit takes the lyrics (text or @file): producer lyrics edit @song.txt --prompt P"
        : 'producer lyrics takes one prompt: producer lyrics "a song about the sea"',
    );
  }
  if (edit && values.prompt === undefined) throw new UsageError("producer lyrics edit needs --prompt P.");
  if (!edit && values.prompt !== undefined) throw new UsageError("--prompt is for producer lyrics edit.");
  const account = values.account ? { account: values.account } : {};
  const client = await daemonClient();
  const { result } = edit
    ? await client.editLyrics({
        lyrics: await lyricsOf(positionals[0] as string),
        prompt: values.prompt as string,
        ...account,
      })
    : await client.writeLyrics({ prompt: positionals[0] as string, ...account });
  if (values.json) {
    json(result);
    return 0;
  }
  if ("title" in result && result.title) print(`# ${result.title}\n`);
  print(result.lyrics);
  print(`\nlyrics id ${result.lyricsId || "(none)"}`);
  return 0;
}

export const lyricsCommand: Command = {
  name: "lyrics",
  help: WRITE_HELP,
  subcommandHelp: { edit: EDIT_HELP },
  run: lyrics,
};
