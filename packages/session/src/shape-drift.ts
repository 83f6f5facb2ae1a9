import type { Response } from "playwright";
import { silentLogger, type Logger } from "@producer/utils";
import { shapeDifferences } from "./answer-shape-check.js";
import { matchesApiPath } from "./api-paths.js";
import type { Site } from "./site.js";

/** One field by which the site's answers of one endpoint differ from the profile, and in how many answers. */
export interface ShapeDrift {
  /** `api.<key>` (an answer of the profile's API path) or `toolReturn.<tool name>` (a stream's tool-return). */
  endpoint: string;
  field: string;
  kind: "unknown" | "missing";
  /** Answers in which it was seen (of those looked at). */
  seen: number;
  /** A missing field the driver cannot work without. */
  needed: boolean;
}

const driftKey = (entry: Pick<ShapeDrift, "endpoint" | "field" | "kind">) =>
  `${entry.endpoint}\u0000${entry.field}\u0000${entry.kind}`;

/** Answers of one endpoint looked at per recorder: drift shows in the first ones, and the hot path stays cheap. */
export const ANSWERS_LOOKED_AT = 50;

/**
 * Checks the answers the driver reads against the shapes its profile declares (`answers`), and keeps what
 * differs: each endpoint's field counted, and logged once (its name only: values may be private). A profile
 * without shapes has nothing checked. One recorder serves a site for the life of the process (`shapeDriftOf`).
 */
export class ShapeDriftRecorder {
  private readonly drift = new Map<string, ShapeDrift>();
  private readonly looked = new Map<string, number>();

  constructor(
    private readonly site: Site,
    private readonly logger: Logger = silentLogger,
  ) {}

  /**
   * One answer the page's network carried (its own calls and those sent from inside it alike): checked when it
   * answers a profile API path with a declared shape, until that endpoint's answers have been looked at enough.
   */
  async response(response: Response): Promise<void> {
    const shapes = this.site.answers?.api;
    if (!shapes || response.request().method() === "OPTIONS") return;
    let url: URL;
    try {
      url = new URL(response.url());
    } catch {
      return;
    }
    const key = Object.keys(shapes).find((candidate) => matchesApiPath(this.site, candidate, url));
    if (!key || (this.looked.get(`api.${key}`) ?? 0) >= ANSWERS_LOOKED_AT) return;
    if (!/json/i.test(response.headers()["content-type"] ?? "")) return;
    this.api(key, response.status(), await response.json().catch(() => undefined));
  }

  /** A successful answer of the profile's API path `key`. */
  api(key: string, httpStatus: number, answer: unknown): void {
    if (httpStatus < 200 || httpStatus >= 300) return;
    this.check(`api.${key}`, this.site.answers?.api[key], answer);
  }

  /** A tool-return part of a message stream: its content (an object, or JSON in a string) is the answer. */
  toolReturn(part: Record<string, unknown>): void {
    const toolName = typeof part.tool_name === "string" ? part.tool_name : undefined;
    const shape = toolName ? this.site.answers?.toolReturns[toolName] : undefined;
    if (!shape) return;
    let content = part.content;
    if (typeof content === "string") {
      try {
        content = JSON.parse(content) as unknown;
      } catch {
        return;
      }
    }
    this.check(`toolReturn.${toolName}`, shape, content);
  }

  /** Answers looked at so far, by endpoint. */
  checked(): Record<string, number> {
    return Object.fromEntries(this.looked);
  }

  /** Everything seen so far, the needed fields first. */
  entries(): ShapeDrift[] {
    return [...this.drift.values()]
      .map((entry) => ({ ...entry }))
      .sort((a, b) => Number(b.needed) - Number(a.needed) || a.endpoint.localeCompare(b.endpoint));
  }

  private check(endpoint: string, shape: Parameters<typeof shapeDifferences>[0] | undefined, answer: unknown): void {
    if (!shape || answer === undefined || answer === null) return;
    const looked = this.looked.get(endpoint) ?? 0;
    if (looked >= ANSWERS_LOOKED_AT) return;
    this.looked.set(endpoint, looked + 1);
    for (const { field, kind, needed } of shapeDifferences(shape, answer)) {
      const key = driftKey({ endpoint, field, kind });
      const known = this.drift.get(key);
      if (known) {
        known.seen += 1;
        continue;
      }
      this.drift.set(key, { endpoint, field, kind, seen: 1, needed });
      this.logger.warn(
        { endpoint, field, kind, ...(needed ? { needed } : {}) },
        kind === "unknown"
          ? "the site's answer carries a field the profile does not know"
          : "the site's answer lacks a field the profile expects",
      );
    }
  }
}

const recorders = new WeakMap<Site, ShapeDriftRecorder>();

/**
 * The recorder of `site` in this process: every page's traffic on that site reports to it, so each drifted field
 * is logged once and counted over every job, check and account that drives the site. Made with `logger` the
 * first time.
 */
export function shapeDriftOf(site: Site, logger: Logger = silentLogger): ShapeDriftRecorder {
  let recorder = recorders.get(site);
  if (!recorder) {
    recorder = new ShapeDriftRecorder(site, logger);
    recorders.set(site, recorder);
  }
  return recorder;
}

/** The drift of several recorders (one per account) as one list, counts summed. */
export function sumDrift(lists: ReadonlyArray<readonly ShapeDrift[]>): ShapeDrift[] {
  const summed = new Map<string, ShapeDrift>();
  for (const entry of lists.flat()) {
    const known = summed.get(driftKey(entry));
    if (known) known.seen += entry.seen;
    else summed.set(driftKey(entry), { ...entry });
  }
  return [...summed.values()];
}

/** What `after` saw beyond `before` (two `entries()` of one recorder): the drift of the work in between. */
export function driftSince(before: readonly ShapeDrift[], after: readonly ShapeDrift[]): ShapeDrift[] {
  const earlier = new Map(before.map((entry) => [driftKey(entry), entry.seen]));
  return after
    .map((entry) => ({ ...entry, seen: entry.seen - (earlier.get(driftKey(entry)) ?? 0) }))
    .filter((entry) => entry.seen > 0);
}
