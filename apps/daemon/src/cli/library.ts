import { parseArgs } from "node:util";
import type { GenerateMusicResult, Job, LibraryEntry } from "@producer/core/client";
import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { numberOrText, pauseTimeoutOf, reportSubmission } from "./generate.js";
import { LIBRARY_TIDY_HELP, runLibraryTidy } from "./library-tidy.js";
import { flagOptions, valueOptions } from "./options.js";
import { json, print, printPage } from "./output.js";
import { UsageError } from "./usage-error.js";

/** How long `import --wait --json` follows each import: a download and its checks, with room for a busy site. */
const IMPORT_WAIT_MS = 600_000;

function describeSong(song: LibraryEntry): string {
  const length = song.durationSecs === null ? "?:??" : formatSecs(song.durationSecs);
  const state = song.failed ? "failed" : song.finished ? "" : "not finished";
  const from = song.sourceClipId ? `from ${song.sourceClipId}` : "";
  const stored = song.trackId ? `track ${song.trackId}` : "not stored";
  const details = [state, from, stored].filter(Boolean).join(", ");
  return `${song.clipId}  ${length}  ${song.title || "(untitled)"}  (${details})`;
}

function formatSecs(total: number): string {
  const secs = Math.round(total);
  return `${Math.floor(secs / 60)}:${String(secs % 60).padStart(2, "0")}`;
}

export const libraryCommand: Command = {
  name: "library",
  help: `producer library [--limit N] [--offset N] [--account A] [--json] — the account's songs on the site, newest first
       producer library rename|privacy|delete|cleanup|conversations … — keep it tidy (producer library cleanup --help)

Lists one page of the account's library from the site's own listing (nothing is spent), each song with its clip
id, length, and the track that stores it here when one does. A song shown "not stored" can be stored with
\`producer import <clip>\`, and any song can be the source of an operation (\`producer extend <clip> …\`).
  --limit N            songs to list, 1–100 (20)       --offset N   songs to skip, newest first
  --account A          the account whose library to list (the daemon's first it runs when absent)
  --json               the whole answer as JSON`,
  subcommandHelp: LIBRARY_TIDY_HELP,
  async run(args) {
    const tidy = runLibraryTidy(args);
    if (tidy) return tidy;
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...valueOptions("limit", "offset", "account"), ...flagOptions("json") },
    });
    if (positionals.length > 0) throw new UsageError("producer library takes no song; see producer library --help.");
    const listing = await (await daemonClient()).library({
      ...(values.limit !== undefined ? { limit: numberOrText(values.limit) as number } : {}),
      ...(values.offset !== undefined ? { offset: numberOrText(values.offset) as number } : {}),
      ...(values.account ? { account: values.account } : {}),
    });
    if (!values.json)
      print(
        `account ${listing.account ?? "(default)"}: songs ${listing.offset + 1}–${listing.offset + listing.songs.length}`,
      );
    printPage(listing, listing.songs, { asJson: values.json, none: "no songs", line: describeSong });
    return 0;
  },
};

export const importCommand: Command = {
  name: "import",
  help: `producer import <clip> [<clip> …] [options] — store songs of the account's library as tracks (free)

Downloads each song as it is, checks the file is audio of the asked format, reads its facts, stores it and records
a track (operation "import"), so a song producer did not make can be the source of an operation. Nothing is made
or spent. A song already stored in that format answers with the job that stored it.
  --account A          the account whose library holds the songs (the daemon's first when absent)
  --format wav|mp3|m4a the format to store (the site profile's default when absent)
  --project P  --user U   stored with the tracks
  --direct             run now instead of queueing       --wait   follow each import to the end
  --pause-timeout S    with --wait: how long to wait while the queue is paused
  --json               machine-readable output (one list for all the songs)`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        ...valueOptions("account", "format", "project", "user", "pause-timeout"),
        ...flagOptions("direct", "wait", "json"),
      },
    });
    if (positionals.length === 0)
      throw new UsageError("producer import takes one clip id or more: producer import <clip> …");
    const pauseTimeoutSecs = pauseTimeoutOf(values);
    const client = await daemonClient();
    const results: Array<{ clipId: string; result: GenerateMusicResult }> = [];
    for (const clipId of positionals) {
      const result = await client.importSong({
        clipId,
        useQueue: !values.direct,
        ...(values.account ? { account: values.account } : {}),
        ...(values.format ? { format: values.format } : {}),
        ...(values.project ? { projectId: values.project } : {}),
        ...(values.user ? { userId: values.user } : {}),
      });
      results.push({ clipId, result });
    }
    if (values.json) return reportAsJson(results, Boolean(values.wait || values.direct));
    let exitCode = 0;
    for (const { clipId, result } of results) {
      if ("reused" in result && result.reused && !values.wait) {
        print(`${clipId}: already stored by job ${result.jobId} (producer job ${result.jobId} shows its track)`);
        continue;
      }
      print(`${clipId}:`);
      exitCode = Math.max(exitCode, await reportSubmission(client, result, values, pauseTimeoutSecs));
    }
    return exitCode;
  },
};

/** Every import's answer in one JSON list: each ended job when following, else what was queued. */
async function reportAsJson(
  results: Array<{ clipId: string; result: GenerateMusicResult }>,
  follow: boolean,
): Promise<number> {
  if (!follow) {
    json(results.map(({ clipId, result }) => ({ clipId, ...result })));
    return 0;
  }
  const client = await daemonClient();
  const jobs: Array<{ clipId: string; job: Job }> = [];
  for (const { clipId, result } of results) {
    const job =
      "job" in result && result.completed
        ? result.job
        : await client.waitForJob(result.jobId, { timeoutMs: IMPORT_WAIT_MS });
    jobs.push({ clipId, job });
  }
  json(jobs);
  return jobs.every(({ job }) => job.status === "succeeded") ? 0 : 1;
}
