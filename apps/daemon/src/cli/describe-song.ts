import { parseArgs } from "node:util";
import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { sourceOf } from "./operations.js";
import { flagOptions, valueOptions } from "./options.js";
import { json, print } from "./output.js";
import { UsageError } from "./usage-error.js";

export const describeSongCommand: Command = {
  name: "describe",
  help: `producer describe <track|clip> [--prompt P] [--account A] [--json] — what a song holds: a caption, its lyrics, its model

Asks the site's caption tool what the song sounds like, its transcribe tool what it sings and its metadata tool
which model made it (one call each; the site charges little or nothing for caption and transcribe) and prints them.
A song stored here keeps them on its track (the model only where the track names none), where
\`producer tracks --search "piano intro"\` finds it. A generation can describe its own songs: producer generate
"<prompt>" --describe.
  --prompt P     what the caption should tell (its style, instruments, vocals and mood when absent)
  --account A    the account whose library holds a clip (a track runs on the account that made it)
  --json         the answer as JSON ({ clipId, caption, lyrics, model, trackIds })

<track|clip>: a track id of this daemon (\`producer tracks\`), else a clip id of the account's library on the site.`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...valueOptions("prompt", "account"), ...flagOptions("json") },
    });
    if (positionals.length !== 1)
      throw new UsageError("producer describe takes one song: producer describe <track|clip> [--prompt P] [--json]");
    const client = await daemonClient();
    const { result } = await client.describeSong({
      ...(await sourceOf(client, positionals[0] as string)),
      ...(values.prompt !== undefined ? { prompt: values.prompt } : {}),
      ...(values.account ? { account: values.account } : {}),
    } as Parameters<typeof client.describeSong>[0]);
    if (values.json) {
      json(result);
      return 0;
    }
    print(`caption: ${result.caption}`);
    if (result.model) print(`model: ${result.model}`);
    print("lyrics:");
    for (const line of result.lyrics.split("\n")) print(`  ${line}`);
    if (result.trackIds.length > 0)
      print(`kept on track${result.trackIds.length > 1 ? "s" : ""} ${result.trackIds.join(", ")}`);
    return 0;
  },
};
