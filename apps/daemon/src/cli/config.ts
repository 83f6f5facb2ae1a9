import type { Command } from "./command.js";
import { configModule } from "./lazy-config.js";
import { json, print } from "./output.js";

export const configCommand: Command = {
  name: "config",
  help: `producer config [--json] — the effective configuration: every key, its value and where it came from.`,
  async run(args) {
    const { describeConfig, formatConfig, loadConfig } = await configModule();
    const resolved = loadConfig();
    if (args.includes("--json")) json(describeConfig(resolved));
    else print(formatConfig(resolved));
    return 0;
  },
};
