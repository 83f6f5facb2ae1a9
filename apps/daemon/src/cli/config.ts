import { describeConfig, formatConfig, loadConfig } from "@producer/config";
import type { Command } from "./command.js";
import { json, print } from "./output.js";

export const configCommand: Command = {
  name: "config",
  help: `producer config [--json] — the effective configuration: every key, its value and where it came from.`,
  async run(args) {
    const resolved = loadConfig();
    if (args.includes("--json")) json(describeConfig(resolved));
    else print(formatConfig(resolved));
    return 0;
  },
};
