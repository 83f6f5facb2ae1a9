import { parseArgs } from "node:util";
import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { describeJob } from "./describe.js";
import { printPage } from "./output.js";

export const jobsCommand: Command = {
  name: "jobs",
  help: `producer jobs [--status queued|generating|…|succeeded|failed|cancelled] [--limit N] [--json] — newest first`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { status: { type: "string" }, limit: { type: "string" }, json: { type: "boolean" } },
    });
    const page = await (await daemonClient()).listJobs({
      ...(values.status ? { status: values.status as "queued" } : {}),
      ...(values.limit ? { limit: Number(values.limit) } : {}),
    });
    printPage(page, page.jobs, { asJson: values.json, none: "no jobs", line: describeJob });
    return 0;
  },
};
