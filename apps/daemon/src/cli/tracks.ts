import { parseArgs } from "node:util";
import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { describeTrack } from "./describe.js";
import { flagOptions, valueOptions } from "./options.js";
import { printPage } from "./output.js";

export const tracksCommand: Command = {
  name: "tracks",
  help: `producer tracks [--search "words"] [--project P] [--user U] [--job J] [--account A] [--limit N] [--json] — stored tracks, newest first

  --search "words"   only the tracks whose title, prompt, caption or sung lyrics hold every word, in any case
                     (a song's caption and lyrics come from producer describe, or generate --describe)`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { ...valueOptions("search", "project", "user", "job", "account", "limit"), ...flagOptions("json") },
    });
    const page = await (await daemonClient()).listTracks({
      ...(values.search ? { search: values.search } : {}),
      ...(values.project ? { projectId: values.project } : {}),
      ...(values.user ? { userId: values.user } : {}),
      ...(values.job ? { jobId: values.job } : {}),
      ...(values.account ? { account: values.account } : {}),
      ...(values.limit ? { limit: Number(values.limit) } : {}),
    });
    printPage(page, page.tracks, { asJson: values.json, none: "no tracks", line: describeTrack });
    return 0;
  },
};
