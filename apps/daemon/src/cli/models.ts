import { parseArgs } from "node:util";
import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { flagOptions, valueOptions } from "./options.js";
import { json, print } from "./output.js";

/** How long ago, in words: "just now", "3 min ago". */
const ago = (secs: number) => (secs < 60 ? "just now" : `${Math.round(secs / 60)} min ago`);

export const modelsCommand: Command = {
  name: "models",
  help: `producer models [--refresh] [--account A] [--json] — the site's models, live

Lists the models the site offers (its own /models listing; spends nothing), the default marked. The daemon keeps
the list ten minutes and says how old it is; --refresh asks the site again. producer generate --model is checked
against this list once it was read (the site profile's models before).
  --refresh     ask the site even when a recent list is kept
  --account A   ask on this account (of several)
  --json        { models: [{ name, isDefault }], fetchedAt, ageSecs, cached }`,
  async run(args) {
    const { values } = parseArgs({
      args,
      options: { ...valueOptions("account"), ...flagOptions("refresh", "json") },
    });
    const { result } = await (await daemonClient()).listModels({
      ...(values.refresh ? { refresh: true } : {}),
      ...(values.account ? { account: values.account } : {}),
    });
    if (values.json) {
      json(result);
      return 0;
    }
    for (const model of result.models) print(`${model.name}${model.isDefault ? "  (default)" : ""}`);
    print(`listed by the site ${ago(result.ageSecs)} (${result.fetchedAt}${result.cached ? ", kept" : ""})`);
    return 0;
  },
};
