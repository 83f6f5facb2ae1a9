import { access } from "node:fs/promises";
import { parseArgs } from "node:util";
import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { flagOptions, valueOptions } from "./options.js";
import { json, print } from "./output.js";
import { UsageError } from "./usage-error.js";

export const uploadCommand: Command = {
  name: "upload",
  help: `producer upload <file> [--remove-vocals | --keep-vocals] [--account A] [--json] — upload your own audio to the site

Sends a WAV, MP3, M4A, FLAC or OGG file (told by its first bytes; anything else is refused before it is sent, at
most 100 MB) to the account's library as the site's own upload does, waits for the site's check and prints the new
clip's id: a source for producer cover, extend and stems. The site refuses protected content, lyrics that fail its
moderation and, unless --remove-vocals or --keep-vocals, songs with vocals (exit 2, UPLOAD_REFUSED with the reason).
  --remove-vocals      when the site finds vocals, remove them: the clip without them is the answer
  --keep-vocals        when the site finds vocals, keep the song with them (the site is asked to confirm it)
  --account A          upload to this account (of several)
  --json               the whole answer as JSON ({ clipId, operationId, hasVocals, vocalsRemoved, vocalsKept, … })`,
  async run(args) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { ...valueOptions("account"), ...flagOptions("remove-vocals", "keep-vocals", "json") },
    });
    if (positionals.length !== 1) throw new UsageError("producer upload takes one file: producer upload <file>");
    if (values["remove-vocals"] && values["keep-vocals"]) {
      throw new UsageError("producer upload takes --remove-vocals or --keep-vocals, not both.");
    }
    const file = positionals[0] as string;
    await access(file).catch(() => {
      throw new UsageError(`There is no file ${file} to upload.`);
    });
    const { result, account } = await (await daemonClient()).uploadAudio({
      file,
      ...(values["remove-vocals"] ? { removeVocals: true } : {}),
      ...(values["keep-vocals"] ? { keepVocals: true } : {}),
      ...(values.account ? { account: values.account } : {}),
    });
    if (values.json) {
      json({ account, ...result });
      return 0;
    }
    print(result.clipId);
    const vocals = result.vocalsRemoved
      ? `vocals removed (uploaded as ${result.uploadedClipId})`
      : result.vocalsKept
        ? "vocals kept"
        : "no vocals found";
    print(
      `  ${result.filename}: ${result.format.toUpperCase()}, ${result.sizeBytes} bytes, ${vocals}${account ? ` (account ${account})` : ""}`,
    );
    return 0;
  },
};
