import { parseArgs } from "node:util";
import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { flagOptions, valueOptions } from "./options.js";
import { json, print } from "./output.js";
import { UsageError } from "./usage-error.js";

export const imageCommand: Command = {
  name: "image",
  help: `producer image "<prompt>" [--aspect 1:1|16:9|9:16] [--account A] [--json] — make an image and store it

Asks the site's image tool for one image of the prompt (the site may charge for it), fetches it, checks it is a
JPEG or a PNG by its first bytes and stores it beside the songs. Prints where it is stored, its size and sha256.
A generation can make its own cover too: producer generate "<prompt>" --image.
  --aspect 1:1|16:9|9:16   the image's shape (1:1, a cover, when absent)
  --account A              run on this account (of several)
  --json                   the stored image as JSON ({ key, url, format, sizeBytes, sha256 })`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...valueOptions("aspect", "account"), ...flagOptions("json") },
    });
    if (positionals.length !== 1)
      throw new UsageError('producer image takes one prompt: producer image "<prompt>" [--aspect 1:1|16:9|9:16]');
    const { result, account } = await (await daemonClient()).runTask({
      kind: "image.create",
      prompt: positionals[0] as string,
      ...(values.aspect !== undefined ? { aspect: values.aspect } : {}),
      ...(values.account ? { account: values.account } : {}),
    });
    if (values.json) {
      json(result);
      return 0;
    }
    print(`image stored: ${String(result.key)}`);
    print(`  ${String(result.url)}`);
    print(
      `  ${String(result.format).toUpperCase()}, ${String(result.sizeBytes)} bytes, sha256 ${String(result.sha256)}${account ? ` (account ${account})` : ""}`,
    );
    return 0;
  },
};
