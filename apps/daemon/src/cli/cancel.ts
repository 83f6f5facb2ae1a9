import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { describeJob } from "./describe.js";
import { print } from "./output.js";
import { UsageError } from "./usage-error.js";

export const cancelCommand: Command = {
  name: "cancel",
  help: `producer cancel <id> — cancel a queued job at once, or a running one at its next step.`,
  async run(args) {
    if (!args[0]) throw new UsageError("producer cancel <id>");
    print(describeJob(await (await daemonClient()).cancel(args[0])));
    return 0;
  },
};
