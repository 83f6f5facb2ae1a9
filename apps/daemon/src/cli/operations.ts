import { parseArgs } from "node:util";
import type { OperateInput, ProducerClient } from "@producer/core/client";
import type { Command } from "./command.js";
import { daemonClient } from "./daemon-client.js";
import { numberOrText, pauseTimeoutOf, reportSubmission } from "./generate.js";
import { flagOptions, valueOptions } from "./options.js";
import { UsageError } from "./usage-error.js";

/** What every operation command takes besides its own settings. */
const COMMON_OPTIONS = {
  ...valueOptions("title", "project", "user", "priority", "idempotency-key", "account", "pause-timeout"),
  ...flagOptions("direct", "wait", "json"),
};

const COMMON_HELP = `  --title T            the title of the songs made (the source's, with the operation, when absent)
  --project P  --user U  --priority N  --idempotency-key K
  --account NAME       the account whose library holds a clip (a track runs on the account that made it)
  --direct             run now instead of queueing        --wait   follow the job to the end
  --pause-timeout S    with --wait: how long to wait while the queue is paused (as for generate)
  --json               machine-readable output

<track|clip>: a track id of this daemon (\`producer tracks\`), else a clip id of the account's library on the site.`;

/** The track ids this daemon hands out (UUIDs); anything else can only be a site clip id. */
const TRACK_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A track of ours, or a clip of the site. A site clip id may look like one of our track ids, so a UUID is a
 * track only when the daemon has a track by that id.
 */
export async function sourceOf(client: ProducerClient, id: string): Promise<OperateInput["source"]> {
  if (!TRACK_ID.test(id)) return { clipId: id };
  try {
    await client.getTrack(id);
    return { trackId: id };
  } catch (error) {
    if ((error as { code?: unknown }).code === "NOT_FOUND") return { clipId: id };
    throw error;
  }
}

/** `30-45` → { startSecs: 30, endSecs: 45 }. */
function regionOf(text: string): { startSecs: number; endSecs: number } {
  const match = /^\s*(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*$/.exec(text);
  if (!match)
    throw new UsageError(`--region takes START-END in seconds, e.g. --region 30-45 (got ${JSON.stringify(text)}).`);
  return { startSecs: Number(match[1]), endSecs: Number(match[2]) };
}

/** `--semitones -2` as `--semitones=-2`: parseArgs would take the `-2` for an option of its own. */
function negativeValuesJoined(args: string[]): string[] {
  const joined: string[] = [];
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] as string;
    const next = args[index + 1];
    if (/^--[a-z-]+$/.test(arg) && next !== undefined && /^-\d+(\.\d+)?$/.test(next)) {
      joined.push(`${arg}=${next}`);
      index += 1;
    } else joined.push(arg);
  }
  return joined;
}

type Values = Record<string, string | boolean | string[] | undefined>;

interface OperationCommand {
  kind: OperateInput["operation"]["kind"];
  usage: string;
  summary: string;
  options: Record<string, { type: "string" | "boolean"; multiple?: boolean }>;
  /** The operation's own settings from the flags. */
  settings(values: Values): Record<string, unknown>;
  help: string;
}

const text = (values: Values, name: string) =>
  typeof values[name] === "string" ? (values[name] as string) : undefined;
/** The flags given, each under its field, numbers as numbers (a word stays a word, for the daemon to name). */
function fields(values: Values, pairs: Array<[flag: string, field: string, kind: "number" | "text"]>) {
  const out: Record<string, unknown> = {};
  for (const [flag, field, kind] of pairs) {
    const value = text(values, flag);
    if (value !== undefined) out[field] = kind === "number" ? numberOrText(value) : value;
  }
  return out;
}

const OPERATIONS: OperationCommand[] = [
  {
    kind: "extend",
    usage: "producer extend <track|clip> --seconds N [--from S] [--prompt P] [--seed N]",
    summary: "make a song longer (costs about a song's credits)",
    options: valueOptions("seconds", "from", "prompt", "seed"),
    settings: (values) =>
      fields(values, [
        ["seconds", "seconds", "number"],
        ["from", "fromSecs", "number"],
        ["prompt", "prompt", "text"],
        ["seed", "seed", "number"],
      ]),
    help: `  --seconds N          seconds to add, 1–240 (required)   --from S   where the new part starts (the end when absent)
  --prompt P           what the new part should be         --seed N   seed`,
  },
  {
    kind: "replace",
    usage: "producer replace <track|clip> --region START-END [--region …] --prompt P [--seed N]",
    summary: "redo parts of a song (costs about a song's credits)",
    options: { ...valueOptions("prompt", "seed"), region: { type: "string", multiple: true } },
    settings: (values) => ({
      regions: ((values.region as string[] | undefined) ?? []).map(regionOf),
      ...fields(values, [
        ["prompt", "prompt", "text"],
        ["seed", "seed", "number"],
      ]),
    }),
    help: `  --region START-END   a stretch to redo, in seconds (repeat for more; they may not overlap)
  --prompt P           what the regions should become (required)   --seed N   seed`,
  },
  {
    kind: "cover",
    usage: "producer cover <track|clip> --prompt P [--strength 0.5] [--seed N]",
    summary: "a new version of a song (costs about a song's credits)",
    options: valueOptions("prompt", "strength", "seed"),
    settings: (values) =>
      fields(values, [
        ["prompt", "prompt", "text"],
        ["strength", "strength", "number"],
        ["seed", "seed", "number"],
      ]),
    help: `  --prompt P           the new version's style (required)
  --strength X         0–1: low keeps more of the original   --seed N   seed`,
  },
  {
    kind: "stems",
    usage: "producer stems <track|clip>",
    summary: "split a song into vocals, drums, bass and other",
    options: {},
    settings: () => ({}),
    help: "  (no settings: each stem is stored as a track of its own)",
  },
  {
    kind: "trim",
    usage: "producer trim <track|clip> --start S --end E",
    summary: "keep only part of a song",
    options: valueOptions("start", "end"),
    settings: (values) =>
      fields(values, [
        ["start", "startSecs", "number"],
        ["end", "endSecs", "number"],
      ]),
    help: "  --start S  --end E   the part to keep, in seconds from the start",
  },
  {
    kind: "speed",
    usage: "producer speed <track|clip> --factor 0.9 [--semitones -2]",
    summary: "change a song's tempo and pitch",
    options: valueOptions("factor", "semitones"),
    settings: (values) =>
      fields(values, [
        ["factor", "factor", "number"],
        ["semitones", "semitones", "number"],
      ]),
    help: "  --factor X           how many times as fast, 0.5–2    --semitones N   pitch shift, −12 to 12",
  },
  {
    kind: "convert",
    usage: "producer convert <track|clip> --format wav|mp3|m4a",
    summary: "the same song in another format (free: the site converts on download)",
    options: valueOptions("format"),
    settings: (values) => fields(values, [["format", "format", "text"]]),
    help: "  --format F           the format to convert to (one of the site profile's)",
  },
];

function commandOf(operation: OperationCommand): Command {
  // Every operation but convert downloads in --format; a convert's --format is what it converts to.
  const options = {
    ...COMMON_OPTIONS,
    ...(operation.kind === "convert" ? {} : valueOptions("format")),
    ...operation.options,
  };
  return {
    name: operation.kind,
    help: `${operation.usage} — ${operation.summary}

${operation.help}
${operation.kind === "convert" ? "" : "  --format wav|mp3|m4a the download format\n"}${COMMON_HELP}`,
    async run(args) {
      const { values, positionals } = parseArgs({ args: negativeValuesJoined(args), allowPositionals: true, options });
      if (positionals.length !== 1)
        throw new UsageError(`producer ${operation.kind} takes one song, a track or clip id: ${operation.usage}`);
      const pauseTimeoutSecs = pauseTimeoutOf(values);
      const client = await daemonClient();
      const input = {
        operation: { kind: operation.kind, ...operation.settings(values) },
        source: await sourceOf(client, positionals[0] as string),
        useQueue: !values.direct,
        ...fields(values, [
          ["title", "title", "text"],
          ["project", "projectId", "text"],
          ["user", "userId", "text"],
          ["priority", "priority", "number"],
          ["idempotency-key", "idempotencyKey", "text"],
          ["account", "account", "text"],
          ...(operation.kind === "convert" ? [] : [["format", "format", "text"] as [string, string, "text"]]),
        ]),
      } as OperateInput;
      return reportSubmission(client, await client.operate(input), values, pauseTimeoutSecs);
    },
  };
}

/** `producer extend|replace|cover|stems|trim|speed|convert <track|clip> …`: one command per song operation. */
export const operationCommands: readonly Command[] = OPERATIONS.map(commandOf);
