import { parseArgs } from "node:util";
import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { describeJob, describeTrack, jobDetails } from "./describe.js";
import { json, print } from "./output.js";
import { UsageError } from "./usage-error.js";

export const jobCommand: Command = {
  name: "job",
  help: `producer job <id> [--json] — one job: status, progress, attempts, the error with its step, locator, song
number and artifact paths, what was submitted to the site, and why a queued job waits.

producer job retry <id> [--resubmit] [--json] — run an ended job again. A job whose prompt reached the site
(recoverable) fetches that submission's songs by their ids, stores and records them, and never submits again —
after a fixed locator, a restart, or on another daemon of the same database. A job that failed before anything
reached the site runs again only with --resubmit, which submits the prompt anew and spends credits. A job that
succeeded cannot be retried (exit 7).`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: "boolean" }, resubmit: { type: "boolean" } },
    });
    if (positionals[0] === "retry") {
      if (!positionals[1]) throw new UsageError("producer job retry <id> [--resubmit]");
      const job = await (await daemonClient()).retry(positionals[1], { resubmit: values.resubmit === true });
      if (values.json) json(job);
      else {
        print(describeJob(job));
        print(
          job.submission
            ? "  fetching the songs of its submission: nothing is submitted again"
            : "  submitted again: this spends credits",
        );
      }
      return 0;
    }
    if (!positionals[0]) throw new UsageError("producer job <id> | producer job retry <id> [--resubmit]");
    const job = await (await daemonClient()).getJob(positionals[0]);
    if (values.json) json(job);
    else {
      print(describeJob(job));
      for (const line of jobDetails(job)) print(line);
      for (const track of job.tracks) print(`  ${describeTrack(track)}`);
    }
    return 0;
  },
};
