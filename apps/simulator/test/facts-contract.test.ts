/**
 * Contract test: holds the 2026 simulator (`flow-2026`) to what `/work/shared/PRODUCERAI-SITE.md` section A says
 * about the real app's traffic. Every expectation comes from `./fixtures/facts-shapes.ts`, written from the facts
 * alone. Everything goes over plain HTTP (Node fetch) with the Bearer access token from the session cookie, the
 * way the page's own same-origin JSON traffic does.
 *
 * Each test collects all of its findings and fails once at the end, listing every one (endpoint, key, fact).
 */
import { createHash, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { start, type RunningSimulator } from "../src/index.js";
import * as F from "./fixtures/facts-shapes.js";
import * as O from "./fixtures/facts-shapes-operations.js";
import * as LB from "./fixtures/facts-shapes-library.js";
import * as I from "./fixtures/facts-shapes-image.js";
import * as L from "./fixtures/facts-shapes-lyrics.js";
import * as U from "./fixtures/facts-shapes-upload.js";
import { synthesizeWav } from "@producer/test-utils";
import * as A from "./fixtures/facts-shapes-analysis.js";

const TEST_MS = 60_000;

// ---------------------------------------------------------------------------------------------------------------
// The shape checker
// ---------------------------------------------------------------------------------------------------------------

type Json = any;

function typeOf(v: unknown): F.JsonType | "undefined" {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  const t = typeof v;
  if (t === "string" || t === "number" || t === "boolean" || t === "object") return t;
  return "undefined";
}

const preview = (v: unknown) => {
  const s = JSON.stringify(v);
  return s === undefined ? "undefined" : s.length > 120 ? `${s.slice(0, 117)}...` : s;
};

function checkField(where: string, value: unknown, field: F.Field, errs: string[]): void {
  const types = (Array.isArray(field.type) ? field.type : [field.type]) as F.JsonType[];
  let v = value;
  if (field.jsonStringOk && typeof v === "string") {
    try {
      const parsed = JSON.parse(v);
      if (parsed && typeof parsed === "object") v = parsed;
    } catch {
      /* checked as a string */
    }
  }
  const t = typeOf(v);
  if (!types.includes(t as F.JsonType)) {
    errs.push(`${where}: expected ${types.join(" | ")}, got ${t} ${preview(v)} — fact: ${field.fact}`);
    return;
  }
  if (field.oneOf && !field.oneOf.includes(v as never)) {
    errs.push(
      `${where}: ${preview(v)} is not one of ${field.oneOf.map((x) => JSON.stringify(x)).join(" | ")} — fact: ${field.fact}`,
    );
  }
  if (field.pattern && typeof v === "string" && !field.pattern.test(v)) {
    errs.push(`${where}: ${preview(v)} does not match ${field.pattern} — fact: ${field.fact}`);
  }
  if (t === "object" && field.shape) checkShape(where, v as Record<string, unknown>, field.shape, errs);
  if (t === "array" && field.items) {
    for (const [i, x] of (v as unknown[]).entries()) checkField(`${where}[${i}]`, x, field.items, errs);
  }
}

function checkShape(where: string, obj: unknown, shape: F.Shape, errs: string[]): void {
  if (typeOf(obj) !== "object") {
    errs.push(`${where}: expected an object, got ${typeOf(obj)} ${preview(obj)}`);
    return;
  }
  const o = obj as Record<string, unknown>;
  for (const [k, f] of Object.entries(shape.required ?? {})) {
    if (!(k in o) || o[k] === undefined) errs.push(`${where}.${k}: missing — fact: ${f.fact}`);
    else checkField(`${where}.${k}`, o[k], f, errs);
  }
  for (const [k, f] of Object.entries(shape.optional ?? {})) {
    if (k in o && o[k] !== undefined) checkField(`${where}.${k}`, o[k], f, errs);
  }
  for (const [k, fact] of Object.entries(shape.absent ?? {})) {
    if (k in o) errs.push(`${where}.${k}: present (${preview(o[k])}) but must be absent — fact: ${fact}`);
  }
  if (shape.values)
    for (const [k, v] of Object.entries(o)) checkField(`${where}[${JSON.stringify(k)}]`, v, shape.values, errs);
}

// ---------------------------------------------------------------------------------------------------------------
// Findings, per endpoint
// ---------------------------------------------------------------------------------------------------------------

/** Things worth reporting that the facts neither require nor forbid. */
const observations: string[] = [];
const note = (o: string) => {
  if (!observations.includes(o)) observations.push(o);
};
const ledger = new Map<string, { checks: number; failures: string[] }>();
let totalChecks = 0;

/** Collects findings for one endpoint; `done()` fails the test once, listing them all. */
class Findings {
  private all: string[] = [];
  ok(endpoint: string, cond: unknown, message: string): boolean {
    const e = ledger.get(endpoint) ?? { checks: 0, failures: [] };
    ledger.set(endpoint, e);
    e.checks++;
    totalChecks++;
    if (!cond) {
      e.failures.push(message);
      this.all.push(`[${endpoint}] ${message}`);
    }
    return Boolean(cond);
  }
  shape(endpoint: string, label: string, value: unknown, shape: F.Shape): boolean {
    const errs: string[] = [];
    checkShape(label, value, shape, errs);
    if (errs.length === 0) return this.ok(endpoint, true, "");
    for (const e of errs) this.ok(endpoint, false, e);
    return false;
  }
  field(endpoint: string, label: string, value: unknown, field: F.Field): boolean {
    const errs: string[] = [];
    checkField(label, value, field, errs);
    if (errs.length === 0) return this.ok(endpoint, true, "");
    for (const e of errs) this.ok(endpoint, false, e);
    return false;
  }
  done(): void {
    expect(this.all, `facts contract failures:\n  ${this.all.join("\n  ")}`).toEqual([]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP helpers
// ---------------------------------------------------------------------------------------------------------------

let site: RunningSimulator;
let token: string;
let userId: string;

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Json;
}

async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
  bearer: string | null = token,
): Promise<Answer> {
  const res = await fetch(base + path, {
    method,
    redirect: "manual",
    headers: {
      accept: "application/json",
      ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      ...(body === undefined ? {} : { "content-type": "application/json" }),
      ...headers,
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

const api = (method: string, path: string, body?: unknown, bearer: string | null = token) =>
  call(site.url, method, path, body, {}, bearer);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Retries an API call while it answers 429 (which means wait, not fail), honouring `retry-after`. */
async function apiPatient(
  method: string,
  path: string,
  body?: unknown,
  bearer: string | null = token,
  s: RunningSimulator = site,
) {
  for (let i = 0; ; i++) {
    const a = await call(s.url, method, path, body, {}, bearer);
    if (a.status !== 429 || i > 10) return a;
    await sleep(Math.min(5000, (Number(a.headers.get("retry-after")) || 1) * 1000));
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The session cookie
// ---------------------------------------------------------------------------------------------------------------

interface SessionCookies {
  names: string[];
  chunks: Array<{ name: string; value: string }>;
  joined: string;
  json: Json;
}

/** Joins the Supabase `sb-<ref>-auth-token.N` chunks in order and decodes `base64-<base64 JSON>`. */
function readSession(state: { cookies: Array<{ name: string; value: string }> }): SessionCookies {
  const chunks = state.cookies
    .filter((c) => /^sb-.+-auth-token(\.\d+)?$/.test(c.name))
    .map((c) => ({ ...c, n: Number(/\.(\d+)$/.exec(c.name)?.[1] ?? 0) }))
    .sort((a, b) => a.n - b.n);
  const joined = chunks.map((c) => c.value).join("");
  let json: Json;
  try {
    const raw = decodeURIComponent(joined);
    const b64 = raw.startsWith(F.SESSION_COOKIE.prefix) ? raw.slice(F.SESSION_COOKIE.prefix.length) : raw;
    json = JSON.parse(Buffer.from(b64, "base64url").toString("utf8"));
  } catch {
    json = undefined;
  }
  return { names: state.cookies.map((c) => c.name), chunks, joined, json };
}

// ---------------------------------------------------------------------------------------------------------------
// The SSE stream, read as it arrives
// ---------------------------------------------------------------------------------------------------------------

interface SseEvent {
  event: string;
  named: boolean;
  raw: string;
  data: Json;
}

class SseReader {
  events: SseEvent[] = [];
  ended = false;
  endedAt = 0;
  failure: unknown;
  private wake: Array<() => void> = [];

  private constructor(
    readonly res: Response,
    private readonly ac: AbortController,
  ) {}

  static async open(s: RunningSimulator, jobId: string, bearer = token): Promise<SseReader> {
    const ac = new AbortController();
    const res = await fetch(`${s.url}/__api/messages/${encodeURIComponent(jobId)}/stream?last_id=0`, {
      headers: { authorization: `Bearer ${bearer}`, accept: "text/event-stream" },
      signal: ac.signal,
    });
    const r = new SseReader(res, ac);
    void r.pump();
    return r;
  }

  private notify() {
    const w = this.wake;
    this.wake = [];
    for (const f of w) f();
  }

  private async pump() {
    if (!this.res.body) {
      this.ended = true;
      return;
    }
    const reader = this.res.body.getReader();
    const dec = new TextDecoder();
    let buf = "";
    let name: string | undefined;
    let data: string[] = [];
    const dispatch = () => {
      if (name === undefined && data.length === 0) return;
      const raw = data.join("\n");
      let parsed: Json = raw;
      try {
        parsed = JSON.parse(raw);
      } catch {
        /* plain text */
      }
      this.events.push({ event: name ?? "message", named: name !== undefined, raw, data: parsed });
      name = undefined;
      data = [];
      this.notify();
    };
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += dec.decode(value, { stream: true });
        let m: RegExpExecArray | null;
        while ((m = /\r\n|\n|\r/.exec(buf))) {
          const line = buf.slice(0, m.index);
          buf = buf.slice(m.index + m[0].length);
          if (line === "") dispatch();
          else if (line.startsWith(":")) continue;
          else {
            const i = line.indexOf(":");
            const field = i < 0 ? line : line.slice(0, i);
            let val = i < 0 ? "" : line.slice(i + 1);
            if (val.startsWith(" ")) val = val.slice(1);
            if (field === "event") name = val;
            else if (field === "data") data.push(val);
          }
        }
      }
      dispatch();
    } catch (e) {
      this.failure = e;
    } finally {
      this.ended = true;
      this.endedAt = Date.now();
      this.notify();
    }
  }

  /** Waits until `pick` finds something among the events so far (or the stream ends, or time runs out). */
  async waitFor<T>(pick: (events: SseEvent[]) => T | undefined, timeoutMs: number): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = pick(this.events);
      if (found !== undefined) return found;
      if (this.ended || Date.now() >= deadline) return undefined;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.wake.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  close() {
    this.ac.abort();
  }
}

/** Every part the stream carried: `part` events' `part`, `message` events' `parts`. */
function partsOf(events: SseEvent[]): Json[] {
  const out: Json[] = [];
  for (const ev of events) {
    if (ev.event === "part" && ev.data && typeof ev.data === "object" && ev.data.part) out.push(ev.data.part);
    if (ev.event === "message" && ev.data && Array.isArray(ev.data.parts)) out.push(...ev.data.parts);
  }
  return out;
}

interface ToolReturn {
  part: Json;
  content: Json;
}

/** The tool-return parts of one tool (deduplicated: a return may come in a `part` and again in a `message`). */
function toolReturns(events: SseEvent[], tool: string): ToolReturn[] {
  const seen = new Set<string>();
  const out: ToolReturn[] = [];
  for (const p of partsOf(events)) {
    if (!p || typeof p !== "object" || p.tool_name !== tool || p.part_kind === "tool-call" || p.content === undefined)
      continue;
    let content = p.content;
    if (typeof content === "string") {
      try {
        content = JSON.parse(content);
      } catch {
        /* stays a string */
      }
    }
    if (!content || typeof content !== "object") continue;
    const key = JSON.stringify(content);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ part: p, content });
  }
  return out;
}

/** Checks every event the stream carried against the facts: names, `part`, `message`, `error`. */
function checkStreamEvents(f: Findings, endpoint: string, events: SseEvent[]) {
  note(
    `stream event names seen: ${[...new Set(events.map((e) => (e.named ? e.event : `${e.event} (unnamed)`)))].sort().join(", ")}`,
  );
  for (const [i, ev] of events.entries()) {
    f.ok(
      endpoint,
      (F.STREAM.events as readonly string[]).includes(ev.event),
      `event #${i} "${ev.event}" is not one of the events the facts list (${F.STREAM.events.join(", ")}) — fact: ${F.STREAM.fact}`,
    );
    if (ev.event === "part") f.shape(endpoint, `event #${i} part`, ev.data, F.STREAM_PART_EVENT);
    if (ev.event === "message")
      f.shape(endpoint, `event #${i} message${ev.named ? "" : " (unnamed event)"}`, ev.data, F.STREAM_MESSAGE_EVENT);
    if (ev.event === "error") f.shape(endpoint, `event #${i} error`, ev.data, F.STREAM_ERROR_EVENT);
  }
}

const EP = {
  cookie: "session cookie sb-sb-auth-token.N",
  credits: "GET /__api/billing/credits",
  models: "GET /__api/models",
  convCreate: "POST /__api/conversation/create",
  toolCreate: "POST /__api/producer/tool-call (audio__create_song)",
  toolStems: "POST /__api/producer/tool-call (audio__split_stems)",
  chat: "POST /__api/conversation",
  stream: "GET /__api/messages/<job_id>/stream",
  streamCreate: "stream tool-return audio__create_song",
  streamStems: "stream tool-return audio__split_stems",
  streamError: "stream error event",
  statusRunning: "GET /__api/audio-create-song-status (running)",
  statusComplete: "GET /__api/audio-create-song-status (complete)",
  statusFailed: "GET /__api/audio-create-song-status (failed)",
  clips: "POST /__api/clips",
  listUser: "GET /__api/clips/user/<user_id>",
  listAuth: "GET /__api/clips/auth-user",
  storage: "storage links audio_url / wav_url",
  download: "GET /__api/download/audio/<clip_id>",
  batch: "POST /__api/batch-download-clip",
  busy: "429 busy",
  credits402: "402 out of credits",
  expired: "401 expired access token",
  refresh: "POST /auth/v1/token?grant_type=refresh_token",
} as const;

// ---------------------------------------------------------------------------------------------------------------
// Driving a generation the way the page does
// ---------------------------------------------------------------------------------------------------------------

let defaultModel = "Lyria 3.5";

async function newConversation(f: Findings, s: RunningSimulator = site, bearer = token): Promise<string | undefined> {
  const a = await call(s.url, "POST", "/__api/conversation/create", { project_id: null }, {}, bearer);
  f.ok(EP.convCreate, a.status === F.CONVERSATION_CREATE.status, `answered HTTP ${a.status} ${a.text.slice(0, 200)}`);
  f.shape(EP.convCreate, "body", a.json, F.CONVERSATION_CREATE.body);
  return typeof a.json?.conversation_id === "string" ? a.json.conversation_id : undefined;
}

interface SongRequest {
  sound_prompt: string;
  lyrics: string;
  lyrics_id: string;
  title: string;
  seed: number | null;
}

function songRequest(title: string): SongRequest {
  return {
    // The web form folds BPM into the prompt and length into the lyrics' last line.
    sound_prompt: "warm lo-fi piano with vinyl crackle, 96 bpm",
    lyrics: "Rain on the window, coffee on the sill\nThe city hums softly, the morning is still\n[End - 1:30]",
    lyrics_id: randomUUID(),
    title,
    seed: 4242,
  };
}

function createSongBody(conversationId: string, req: SongRequest) {
  return {
    conversation_id: conversationId,
    part: {
      tool_name: "audio__create_song",
      args: {
        sound_prompt: req.sound_prompt,
        lyrics_id: req.lyrics_id,
        title: req.title,
        seed: req.seed,
        image_id: null,
      },
      part_kind: "tool-call",
      tool_call_id: randomUUID(),
    },
    client_context: {
      current_song_id: null,
      song_queue: [],
      project_id: null,
      selected_model: defaultModel,
      lyrics_id_map: { [req.lyrics_id]: req.lyrics },
      ghostwriter_version: "standard",
    },
  };
}

function splitStemsBody(conversationId: string, clipId: string) {
  return {
    conversation_id: conversationId,
    part: {
      tool_name: "audio__split_stems",
      args: { clip_id: clipId },
      part_kind: "tool-call",
      tool_call_id: randomUUID(),
    },
    client_context: {
      current_song_id: clipId,
      song_queue: [],
      project_id: null,
      selected_model: defaultModel,
      lyrics_id_map: {},
    },
  };
}

/** Reads a create_song stream up to its tool-return(s): the first, then briefly more (an A/B pair comes as two). */
async function readCreateSongReturns(
  f: Findings,
  reader: SseReader,
  endpointTag: string = EP.streamCreate,
): Promise<ToolReturn[]> {
  f.ok(EP.stream, reader.res.status === 200, `answered HTTP ${reader.res.status}`);
  f.ok(
    EP.stream,
    F.STREAM.contentType.test(reader.res.headers.get("content-type") ?? ""),
    `content-type ${reader.res.headers.get("content-type")} is not text/event-stream — fact: ${F.STREAM.fact}`,
  );
  const first = await reader.waitFor(
    (evs) => (toolReturns(evs, "audio__create_song").length ? true : undefined),
    30_000,
  );
  f.ok(
    endpointTag,
    first,
    `no audio__create_song tool-return arrived within 30 s (events: ${reader.events.map((e) => e.event).join(", ")}) — fact: ${F.TOOL_RETURN_PART.fact}`,
  );
  // An A/B pair: a second return may follow; stop at `complete`/`final`, the end, or after 1.5 s.
  await reader.waitFor(
    (evs) => (evs.some((e) => e.event === "complete" || e.event === "final") ? true : undefined),
    1500,
  );
  const rets = toolReturns(reader.events, "audio__create_song");
  for (const [i, r] of rets.entries()) {
    f.shape(endpointTag, `tool-return #${i} part`, r.part, F.TOOL_RETURN_PART.shape);
    f.shape(endpointTag, `tool-return #${i} content`, r.content, F.CREATE_SONG_RETURN);
  }
  checkStreamEvents(f, EP.stream, reader.events);
  return rets;
}

/** Asks for a song on the conversation: its job id, or undefined (a finding) when the call was not taken. */
async function requestSong(
  f: Findings,
  endpoint: string,
  conversationId: string,
  title: string,
): Promise<string | undefined> {
  const a = await apiPatient("POST", F.TOOL_CALL.path, createSongBody(conversationId, songRequest(title)));
  const jobId = a.json?.job_id;
  f.ok(endpoint, typeof jobId === "string", `the call answered HTTP ${a.status} ${a.text.slice(0, 200)}`);
  return typeof jobId === "string" ? jobId : undefined;
}

/** Opens a create_song job's stream, reads it to its tool-return(s) (checking it all), and closes it. */
async function readTake(
  f: Findings,
  jobId: string,
  s: RunningSimulator = site,
  bearer = token,
): Promise<{ rets: ToolReturn[]; events: SseEvent[] }> {
  const reader = await SseReader.open(s, jobId, bearer);
  try {
    return { rets: await readCreateSongReturns(f, reader), events: reader.events };
  } finally {
    reader.close();
  }
}

/**
 * A clip's `op_id` should be the operation a tool-return named — except the B clip of an A/B pair returned in one
 * content (`clip_id_b` + `a_b_test_id`), which the facts let belong to its own operation.
 */
function opIdMatches(rets: ToolReturn[], c: Json): boolean {
  if (rets.some((r) => r.content.operation_id === c.op_id)) return true;
  const abB = rets.some((r) => r.content.clip_id_b === c.id && typeof r.content.a_b_test_id === "string");
  if (abB)
    note(
      `A/B pair: clip_id_b ${c.id} has op_id ${c.op_id}, not the tool-return's operation_id ${preview(rets.map((r) => r.content.operation_id))} (accepted: the pair's B song may be its own operation)`,
    );
  return abB;
}

const clipIdsOf = (rets: ToolReturn[]) => [
  ...new Set(
    rets.flatMap((r) => [r.content.clip_id, r.content.clip_id_b]).filter((x): x is string => typeof x === "string"),
  ),
];

/** Polls the operation status (checking every answer) until complete or failed. */
async function pollStatus(
  f: Findings,
  operationId: string,
  s: RunningSimulator = site,
  bearer = token,
  timeoutMs = 40_000,
) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const a = await call(
      s.url,
      "GET",
      `/__api/audio-create-song-status/${encodeURIComponent(operationId)}`,
      undefined,
      {},
      bearer,
    );
    if (a.status === 429) {
      await sleep(Math.min(5000, (Number(a.headers.get("retry-after")) || 1) * 1000));
      continue;
    }
    if (!f.ok(EP.statusComplete, a.status === F.STATUS.httpStatus, `answered HTTP ${a.status} ${a.text.slice(0, 200)}`))
      return undefined;
    const st = a.json ?? {};
    if (F.STATUS.isComplete(st)) {
      f.shape(EP.statusComplete, "body", st, F.STATUS.complete);
      return { state: "complete" as const, body: st };
    }
    if (F.STATUS.isFailed(st)) {
      f.shape(EP.statusFailed, "body", st, F.STATUS.failed);
      return { state: "failed" as const, body: st };
    }
    f.shape(EP.statusRunning, "body", st, F.STATUS.running);
    if (Date.now() > deadline) {
      f.ok(EP.statusComplete, false, `operation ${operationId} still "${st.status}" after ${timeoutMs / 1000} s`);
      return undefined;
    }
    await sleep(250);
  }
}

/** Asks `POST /__api/clips` (checking every answer) until every clip is done (or one failed). */
async function waitClips(
  f: Findings,
  ids: string[],
  timeoutMs = 40_000,
  s: RunningSimulator = site,
): Promise<Record<string, Json> | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const a = await apiPatientOn(s, "POST", "/__api/clips", { clip_ids: ids });
    if (!f.ok(EP.clips, a.status === F.CLIPS.status, `answered HTTP ${a.status} ${a.text.slice(0, 200)}`))
      return undefined;
    f.shape(EP.clips, "body", a.json, F.CLIPS.body);
    const clips = (a.json?.clips ?? {}) as Record<string, Json>;
    for (const id of ids) {
      f.ok(EP.clips, clips[id], `clips["${id}"]: missing — fact: ${F.CLIPS.fact} (keyed by id)`);
      if (clips[id])
        f.ok(
          EP.clips,
          clips[id].id === id,
          `clips["${id}"].id is ${preview(clips[id].id)}, not the key it is filed under`,
        );
    }
    const found = ids.map((id) => clips[id]);
    const failed = found.find((c) => c && F.CLIP_STATE.failed(c));
    if (failed) {
      f.ok(
        EP.clips,
        false,
        `clip ${failed.id} failed: deleted_at=${failed.deleted_at} duration=${preview(failed.duration)}`,
      );
      return clips;
    }
    if (found.every((c) => c && F.CLIP_STATE.done(c))) return clips;
    if (Date.now() > deadline) {
      f.ok(
        EP.clips,
        false,
        `clips not done after ${timeoutMs / 1000} s (${found.map((c) => `${c?.id}:${c?.duration?.status}/${c?.audio_url ? "audio" : "no audio"}`).join(" ")}) — fact: ${F.CLIP_STATE.fact}`,
      );
      return clips;
    }
    await sleep(250);
  }
}

/** Asks `POST /__api/clips` (checking each answer's shape) until `settled` holds for every clip, or time runs out. */
async function pollClips(
  f: Findings,
  ids: string[],
  settled: (clip: Json) => boolean,
  opts: { label: string; timeoutMs: number; s?: RunningSimulator; bearer?: string },
): Promise<Record<string, Json>> {
  const deadline = Date.now() + opts.timeoutMs;
  for (;;) {
    const c = await apiPatient("POST", "/__api/clips", { clip_ids: ids }, opts.bearer ?? token, opts.s ?? site);
    f.shape(EP.clips, opts.label, c.json, F.CLIPS.body);
    const clips: Record<string, Json> = c.json?.clips ?? {};
    if (ids.every((id) => settled(clips[id])) || Date.now() > deadline) return clips;
    await sleep(250);
  }
}

/** Sets a fault the README lists; a name the simulator does not know is itself a finding. */
function setFault(f: Findings, endpoint: string, name: string, opts: { times?: number }): boolean {
  try {
    site.faults.set(name as never, opts);
    return f.ok(endpoint, true, "");
  } catch (e) {
    return f.ok(endpoint, false, `the simulator has no "${name}" fault: ${(e as Error).message}`);
  }
}

/** Runs `take` on a new conversation with 100 credits while `fault` is set for one call; clears the faults after. */
async function withFault(
  f: Findings,
  endpoint: string,
  fault: string,
  take: (conversationId: string) => Promise<void>,
): Promise<void> {
  site.setCredits(100);
  const conversationId = (await newConversation(f)) ?? "missing";
  setFault(f, endpoint, fault, { times: 1 });
  try {
    await take(conversationId);
  } finally {
    site.faults.clear();
  }
}

const apiPatientOn = (s: RunningSimulator, method: string, path: string, body?: unknown) =>
  apiPatient(method, path, body, token, s);

/** Checks a finished clip's links and its fields against what the facts say. */
function checkDoneClip(f: Findings, c: Json, s: RunningSimulator = site) {
  const siteOrigin = new URL(s.url).origin;
  for (const [key, re] of [
    ["audio_url", F.CLIP_STATE.audioUrlPath(c.id)],
    ["wav_url", F.CLIP_STATE.wavUrlPath(c.id)],
  ] as const) {
    const u = c[key];
    if (typeof u !== "string") {
      if (key === "audio_url") f.ok(EP.clips, false, `clip ${c.id}.${key} is ${preview(u)} on a done clip`);
      continue;
    }
    let url: URL | undefined;
    try {
      url = new URL(u);
    } catch {
      f.ok(
        EP.storage,
        false,
        `clip ${c.id}.${key} "${u}" is not an absolute public storage link — fact: ${F.STORAGE.fact}`,
      );
    }
    if (url) {
      f.ok(
        EP.clips,
        re.test(url.pathname),
        `clip ${c.id}.${key} "${u}" does not end in ${re.source.replace(/\\/g, "")} — fact: ${F.CLIP.fact}`,
      );
      f.ok(
        EP.storage,
        url.origin !== siteOrigin,
        `clip ${c.id}.${key} "${u}" is on the page's own origin; the facts describe storage links a cross-origin fetch reaches — fact: ${F.STORAGE.fact}`,
      );
    }
  }
  f.ok(
    EP.clips,
    typeof c.duration?.value === "string" && Number(c.duration.value) > 0,
    `clip ${c.id}.duration.value ${preview(c.duration?.value)} is not a positive numeric string like "152.8"`,
  );
}

/** Fetches a storage link without cookies (and with a foreign Origin) and checks status, type, first bytes and CORS. */
async function checkStorageLink(
  f: Findings,
  url: string,
  format: F.AudioFormat,
  opts: { on404: "fail" | "retry" | "accept"; label: string; s?: RunningSimulator },
) {
  const abs = new URL(url, (opts.s ?? site).url).toString();
  const origin = "https://www.flowmusic.app";
  let res: Response | undefined;
  // "`wav_url` can 404 for a while or for stems": a song's wav is retried for a while, a stem's 404 is accepted.
  const deadline = Date.now() + (opts.on404 === "fail" ? 0 : 20_000);
  for (;;) {
    res = await fetch(abs, { headers: { origin }, redirect: "follow" });
    if (res.status !== 404 || Date.now() >= deadline) break;
    await res.arrayBuffer();
    if (opts.on404 === "accept") break;
    await sleep(500);
  }
  if (opts.on404 === "accept" && res.status === 404) {
    note(`${opts.label}: 404 (accepted: "wav_url can 404 … for stems")`);
    f.ok(EP.storage, true, "");
    return;
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  f.ok(
    EP.storage,
    res.status === 200,
    `${opts.label} ${abs}: HTTP ${res.status} without cookies — fact: ${F.STORAGE.fact}`,
  );
  if (res.status !== 200) return;
  const ct = res.headers.get("content-type") ?? "";
  f.ok(
    EP.storage,
    F.AUDIO_CONTENT_TYPES[format].test(ct),
    `${opts.label}: content-type "${ct}" is not a ${format} type`,
  );
  f.ok(
    EP.storage,
    F.MAGIC.check(format, bytes),
    `${opts.label}: first bytes ${Buffer.from(bytes.subarray(0, 12)).toString("hex")} are not ${format} — fact: ${F.MAGIC.fact}`,
  );
  const acao = res.headers.get("access-control-allow-origin");
  const acac = res.headers.get("access-control-allow-credentials");
  note(
    `storage ${format}: content-type ${preview(ct)}, Access-Control-Allow-Origin ${preview(acao)}, Access-Control-Allow-Credentials ${preview(acac)}`,
  );
  f.ok(
    EP.storage,
    F.STORAGE.corsUncredentialedOk(acao, origin),
    `${opts.label}: Access-Control-Allow-Origin is ${preview(acao)}: a cookie-less cross-origin fetch would fail — fact: ${F.STORAGE.fact}`,
  );
  f.ok(
    EP.storage,
    F.STORAGE.corsCredentialedFails(acao, acac),
    `${opts.label}: Access-Control-Allow-Origin ${preview(acao)} with Access-Control-Allow-Credentials ${preview(acac)} would let a credentialed cross-origin fetch through — fact: ${F.STORAGE.fact}`,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The suite
// ---------------------------------------------------------------------------------------------------------------

/** Where the simulator hosts Supabase's auth endpoints: its own listener if it names one, else the site. */
function supabaseBase(s: RunningSimulator): string {
  const x = s as unknown as Record<string, unknown>;
  for (const k of ["supabaseUrl", "authUrl", "supabaseURL"])
    if (typeof x[k] === "string") return (x[k] as string).replace(/\/$/, "");
  return s.url;
}

async function refresh(s: RunningSimulator, rt: string): Promise<Answer> {
  return call(supabaseBase(s), "POST", F.REFRESH.path, { refresh_token: rt }, {}, null);
}

let song: { conversationId: string; clipIds: string[]; clips: Record<string, Json>; req: SongRequest } | undefined;
let stemIds: string[] = [];

beforeAll(async () => {
  site = await start({ generationMs: 50, variant: "flow-2026" });
  site.setCredits(100);
  const session = readSession(site.issueSession());
  token = session.json?.access_token;
  userId = session.json?.user?.id ?? "";
});

afterAll(async () => {
  await site?.close();
  const lines = [...ledger.entries()].map(
    ([ep, e]) =>
      `${e.failures.length ? "FAIL" : "pass"}  ${ep}: ${e.checks} checks, ${e.failures.length} failed${e.failures.length ? `\n        - ${e.failures.join("\n        - ")}` : ""}`,
  );
  console.log(
    `facts contract: ${totalChecks} checks\n${lines.join("\n")}${observations.length ? `\nobservations:\n  - ${observations.join("\n  - ")}` : ""}`,
  );
});

describe("the shape checker", () => {
  it("flags a missing key, a wrong type, a value outside its set and a key that must be absent", () => {
    const errs: string[] = [];
    checkShape("status", { job_id: "j", progress: "half" }, F.STATUS.complete, errs);
    expect(errs.some((e) => e.startsWith("status.status: missing"))).toBe(true);
    expect(errs.some((e) => e.startsWith("status.progress: expected number | null"))).toBe(true);
    expect(errs.some((e) => e.startsWith("status.job_id: present"))).toBe(true);
    const clipErrs: string[] = [];
    checkShape(
      "body",
      { clips: { a: { id: "a", op_type: "audio__remix", duration: { status: "completed", value: 12 } } } },
      F.CLIPS.body,
      clipErrs,
    );
    expect(clipErrs.some((e) => e.includes('body.clips["a"].op_type') && e.includes("is not one of"))).toBe(true);
    expect(clipErrs.some((e) => e.includes('body.clips["a"].duration.value: expected string | null'))).toBe(true);
    expect(clipErrs.some((e) => e.includes('body.clips["a"].audio_url: missing'))).toBe(true);
    const listErrs: string[] = [];
    checkShape("body", { data: [] }, F.LIST_USER.body, listErrs);
    expect(listErrs.some((e) => e.startsWith("body.data: present"))).toBe(true);
    expect(F.MAGIC.check("m4a", Buffer.from("\0\0\0\x20ftypM4A "))).toBe(true);
    expect(F.MAGIC.check("mp3", Buffer.from([0xff, 0xfb]))).toBe(true);
    expect(F.MAGIC.check("wav", Buffer.from("RIFX"))).toBe(false);
    expect(F.STORAGE.corsCredentialedFails("https://www.flowmusic.app", "true")).toBe(false);
  });
});

describe("flow-2026 simulator against PRODUCERAI-SITE.md §A", () => {
  it("signs in with Supabase cookies sb-sb-auth-token.N = base64-<JSON session>", () => {
    const f = new Findings();
    const state = site.issueSession();
    const s = readSession(state);
    f.ok(EP.cookie, s.chunks.length > 0, `no sb-<ref>-auth-token cookie among ${preview(s.names)}`);
    for (const c of s.chunks) {
      f.ok(
        EP.cookie,
        F.SESSION_COOKIE.namePattern.test(c.name),
        `cookie "${c.name}" is not named sb-sb-auth-token.N — fact: ${F.SESSION_COOKIE.fact}`,
      );
      f.ok(
        EP.cookie,
        c.value.length <= F.SESSION_COOKIE.maxChunkBytes,
        `cookie "${c.name}" holds ${c.value.length} bytes, more than one 4 KB chunk`,
      );
    }
    const indices = s.chunks.map((c) => Number(/\.(\d+)$/.exec(c.name)?.[1]));
    f.ok(
      EP.cookie,
      indices.every((n, i) => n === i),
      `chunk suffixes ${preview(indices)} are not .0, .1, …`,
    );
    f.ok(
      EP.cookie,
      decodeURIComponent(s.joined).startsWith(F.SESSION_COOKIE.prefix),
      `joined value starts "${s.joined.slice(0, 12)}", not "base64-"`,
    );
    f.shape(EP.cookie, "cookie JSON", s.json, F.SESSION_COOKIE.json);
    const left = (s.json?.expires_at ?? 0) - Date.now() / 1000;
    const [lo, hi] = F.SESSION_COOKIE.accessTokenLifetimeSecs;
    f.ok(
      EP.cookie,
      left >= lo && left <= hi,
      `expires_at is ${Math.round(left)} s from now; the access token lasts "about 1 hour" — fact: ${F.EXPIRED_ACCESS_TOKEN.fact}`,
    );
    f.done();
  });

  it("GET /__api/billing/credits", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    site.setCredits(37);
    const a = await api("GET", F.CREDITS.path);
    f.ok(EP.credits, a.status === F.CREDITS.status, `answered HTTP ${a.status} ${a.text.slice(0, 200)}`);
    f.shape(EP.credits, "body", a.json, F.CREDITS.body);
    f.ok(
      EP.credits,
      a.json?.data?.credits_remaining === 37,
      `data.credits_remaining is ${preview(a.json?.data?.credits_remaining)} after setCredits(37)`,
    );
    const anon = await api("GET", F.CREDITS.path, undefined, null);
    f.ok(EP.credits, anon.status === 401, `without a Bearer token it answered HTTP ${anon.status}, not 401`);
    site.setCredits(100);
    f.done();
  });

  it("GET /__api/models", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    const a = await api("GET", F.MODELS.path);
    f.ok(EP.models, a.status === F.MODELS.status, `answered HTTP ${a.status} ${a.text.slice(0, 200)}`);
    f.shape(EP.models, "body", a.json, F.MODELS.body);
    const models: Json[] = Array.isArray(a.json?.models) ? a.json.models : [];
    f.ok(EP.models, models.length > 0, "no models listed");
    const chosen = models.find((m) => m?.is_default === true) ?? models[0];
    if (typeof chosen?.public_name === "string") defaultModel = chosen.public_name;
    f.done();
  });

  it("POST /__api/conversation/create", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    const id = await newConversation(f);
    f.ok(EP.convCreate, id && id.length > 0, "no conversation_id");
    f.done();
  });

  it("a compose generation: tool-call → stream tool-return → status → clips → done", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    site.setCredits(100);
    const conversationId = (await newConversation(f)) ?? "missing";
    const req = songRequest(`Contract Rain ${Date.now() % 100000}`);
    const a = await apiPatient("POST", F.TOOL_CALL.path, createSongBody(conversationId, req));
    f.ok(EP.toolCreate, a.status === F.TOOL_CALL.status, `answered HTTP ${a.status} ${a.text.slice(0, 200)}`);
    f.shape(EP.toolCreate, "body", a.json, F.TOOL_CALL.body);
    const jobId = a.json?.job_id;
    if (typeof jobId !== "string") return f.done();

    const { rets } = await readTake(f, jobId);
    const ops = [...new Set(rets.map((r) => r.content.operation_id).filter((x) => typeof x === "string"))] as string[];
    const ids = clipIdsOf(rets);
    f.ok(EP.streamCreate, ops.length > 0 && ids.length > 0, "the tool-return named no operation_id / clip_id");

    for (const op of ops) {
      const st = await pollStatus(f, op);
      f.ok(
        EP.statusComplete,
        st?.state === "complete",
        `operation ${op} ended ${st?.state ?? "nowhere"}: ${preview(st?.body)}`,
      );
      if (st && Array.isArray(st.body.clip_ids)) {
        const mine = ids.filter((id) =>
          rets.some((r) => r.content.operation_id === op && (r.content.clip_id === id || r.content.clip_id_b === id)),
        );
        f.ok(
          EP.statusComplete,
          mine.every((id) => st.body.clip_ids.includes(id)),
          `status clip_ids ${preview(st.body.clip_ids)} lacks the tool-return's ${preview(mine)}`,
        );
      }
      if (st && st.body.job_id === jobId) f.ok(EP.statusComplete, false, "status carries the call's job_id");
    }

    const clips = ids.length ? await waitClips(f, ids) : undefined;
    if (clips) {
      for (const id of ids) {
        const c = clips[id];
        if (!c) continue;
        f.ok(
          EP.clips,
          c.op_type === "audio__create_song",
          `clip ${id}.op_type is ${preview(c.op_type)}, not "audio__create_song"`,
        );
        f.ok(
          EP.clips,
          opIdMatches(rets, c),
          `clip ${id}.op_id ${preview(c.op_id)} is not the tool-return's operation_id ${preview(ops)}`,
        );
        f.ok(
          EP.clips,
          c.operation?.sound_prompt === req.sound_prompt,
          `clip ${id}.operation.sound_prompt is ${preview(c.operation?.sound_prompt)}, not what the call sent ${preview(req.sound_prompt)} — fact: "a clip's operation.sound_prompt is not the typed prompt when BPM was set"`,
        );
        f.ok(
          EP.clips,
          c.operation?.title === req.title || c.title === req.title,
          `clip ${id} title ${preview(c.title)} / operation.title ${preview(c.operation?.title)}: neither is the sent title ${preview(req.title)}`,
        );
        f.ok(
          EP.clips,
          c.deleted_at === null || c.deleted_at === undefined,
          `clip ${id}.deleted_at is set on a done clip`,
        );
        const lt = c.lyrics?.value?.text;
        f.ok(
          EP.clips,
          typeof lt === "string" && lt.trim() === req.lyrics.trim(),
          `clip ${id}.lyrics.value.text ${preview(lt)} is not the lyrics sent by id (lyrics_id_map)`,
        );
        f.field(EP.clips, `clip ${id}.lyrics.value`, c.lyrics?.value, {
          type: "object",
          fact: "`lyrics { status, value { id, text } }` on a song with lyrics",
          shape: {
            required: {
              id: { type: ["string", "null"], fact: "`lyrics.value.id`" },
              text: { type: "string", fact: "`lyrics.value.text`" },
            },
          },
        });
        checkDoneClip(f, c);
      }
      // The facts list `operation.seed` but do not say each song of a take keeps the sent seed: one song of the
      // take must carry it; a different seed on the other is only noted.
      const seeds = ids.map((id) => clips[id]?.operation?.seed);
      f.ok(
        EP.clips,
        seeds.some((x) => String(x) === String(req.seed)),
        `no clip of the take has operation.seed = the sent ${req.seed} (seeds ${preview(seeds)})`,
      );
      for (const id of ids) {
        const c = clips[id];
        if (c && String(c.operation?.seed) !== String(req.seed)) {
          observations.push(
            `POST /__api/clips: clip ${id} (op_id ${c.op_id}) has operation.seed ${preview(c.operation?.seed)} while the call sent ${req.seed}; the take's op_ids are ${preview(ids.map((i) => clips[i]?.op_id))}`,
          );
        }
      }
      song = { conversationId, clipIds: ids, clips, req };
    }
    const left = site.credits();
    f.ok(
      EP.credits,
      left < 100 && 100 - left <= F.OUT_OF_CREDITS.budgetPerTake,
      `a take of ${ids.length} song(s) cost ${100 - left} credits — fact: ${F.OUT_OF_CREDITS.fact}`,
    );
    const bill = await api("GET", F.CREDITS.path);
    f.ok(
      EP.credits,
      bill.json?.data?.credits_remaining === left,
      `data.credits_remaining ${preview(bill.json?.data?.credits_remaining)} is not the balance ${left}`,
    );
    f.done();
  });

  it("storage links: public, no cookies, right first bytes, no credentialed CORS", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    expect(song, "needs the compose generation").toBeDefined();
    for (const id of song!.clipIds) {
      const c = song!.clips[id];
      if (typeof c?.audio_url === "string")
        await checkStorageLink(f, c.audio_url, "m4a", { on404: "fail", label: `clip ${id} audio_url` });
      else f.ok(EP.storage, false, `clip ${id} has no audio_url`);
      if (typeof c?.wav_url === "string")
        await checkStorageLink(f, c.wav_url, "wav", { on404: "retry", label: `clip ${id} wav_url` });
    }
    f.done();
  });

  it("GET /__api/download/audio/<clip_id>?format=mp3|wav|m4a (Bearer)", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    expect(song, "needs the compose generation").toBeDefined();
    const id = song!.clipIds[0]!;
    for (const format of F.DOWNLOAD.formats) {
      const res = await fetch(`${site.url}/__api/download/audio/${id}?format=${format}`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const bytes = new Uint8Array(await res.arrayBuffer());
      f.ok(
        EP.download,
        res.status === F.DOWNLOAD.status,
        `format=${format}: HTTP ${res.status} — fact: ${F.DOWNLOAD.fact}`,
      );
      if (res.status !== 200) continue;
      const ct = res.headers.get("content-type") ?? "";
      f.ok(EP.download, F.AUDIO_CONTENT_TYPES[format].test(ct), `format=${format}: content-type "${ct}"`);
      f.ok(
        EP.download,
        F.MAGIC.check(format, bytes),
        `format=${format}: first bytes ${Buffer.from(bytes.subarray(0, 12)).toString("hex")} — fact: ${F.MAGIC.fact}`,
      );
    }
    const anon = await fetch(`${site.url}/__api/download/audio/${id}?format=mp3`);
    await anon.arrayBuffer();
    f.ok(
      EP.download,
      F.DOWNLOAD.unauthorizedStatuses.includes(anon.status),
      `without Bearer: HTTP ${anon.status} — fact: "(Bearer)"`,
    );
    f.done();
  });

  it("POST /__api/batch-download-clip answers a zip", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    expect(song, "needs the compose generation").toBeDefined();
    const res = await fetch(`${site.url}${F.BATCH_DOWNLOAD.path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ clip_ids: song!.clipIds }),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    f.ok(
      EP.batch,
      res.status === F.BATCH_DOWNLOAD.status,
      `HTTP ${res.status} ${bytes.toString("utf8", 0, 120)} — fact: ${F.BATCH_DOWNLOAD.fact}`,
    );
    if (res.status === 200) {
      f.ok(
        EP.batch,
        bytes.toString("latin1", 0, 4) === F.BATCH_DOWNLOAD.magic,
        `first bytes ${bytes.subarray(0, 8).toString("hex")} are not a zip`,
      );
      f.ok(
        EP.batch,
        F.BATCH_DOWNLOAD.contentType.test(res.headers.get("content-type") ?? ""),
        `content-type "${res.headers.get("content-type")}" is not a zip type`,
      );
    }
    f.done();
  });

  it("split stems: free, four stems, source_clip_id = parent", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    expect(song, "needs the compose generation").toBeDefined();
    const parent = song!.clipIds[0]!;
    const parentTitle = song!.clips[parent]?.title ?? song!.req.title;
    site.setCredits(0);
    const a = await apiPatient("POST", F.TOOL_CALL.path, splitStemsBody(song!.conversationId, parent));
    f.ok(
      EP.toolStems,
      a.status === F.TOOL_CALL.status,
      `with 0 credits answered HTTP ${a.status} ${a.text.slice(0, 200)} — fact: split stems is "(free)"`,
    );
    f.shape(EP.toolStems, "body", a.json, F.TOOL_CALL.body);
    const jobId = a.json?.job_id;
    if (typeof jobId !== "string") {
      site.setCredits(100);
      return f.done();
    }
    const reader = await SseReader.open(site, jobId);
    let ret: ToolReturn | undefined;
    try {
      ret = await reader.waitFor((evs) => toolReturns(evs, "audio__split_stems")[0], 30_000);
      checkStreamEvents(f, EP.stream, reader.events);
    } finally {
      reader.close();
    }
    f.ok(
      EP.streamStems,
      ret,
      `no audio__split_stems tool-return within 30 s (events: ${reader.events.map((e) => e.event).join(", ")})`,
    );
    if (ret) {
      f.shape(EP.streamStems, "tool-return part", ret.part, F.TOOL_RETURN_PART.shape);
      f.shape(EP.streamStems, "tool-return content", ret.content, F.SPLIT_STEMS_RETURN);
      const stems: Json[] = Array.isArray(ret.content.stems) ? ret.content.stems : [];
      const types = stems.map((s) => s.stem_type).sort();
      f.ok(
        EP.streamStems,
        JSON.stringify(types) === JSON.stringify([...F.STEM_TYPES].sort()),
        `stems are ${preview(types)}, not the four vocals, drums, bass, other`,
      );
      stemIds = stems.map((s) => s.clip_id).filter((x) => typeof x === "string");
      const clips = stemIds.length ? await waitClips(f, stemIds) : undefined;
      if (clips) {
        for (const s of stems) {
          const c = clips[s.clip_id];
          if (!c) continue;
          f.ok(
            EP.clips,
            c.op_type === "audio__split_stems",
            `stem ${s.clip_id}.op_type is ${preview(c.op_type)}, not "audio__split_stems"`,
          );
          f.ok(
            EP.clips,
            c.operation?.source_clip_id === parent,
            `stem ${s.clip_id}.operation.source_clip_id is ${preview(c.operation?.source_clip_id)}, not the parent ${parent} — fact: "source_clip_id (stems: the parent song)"`,
          );
          f.ok(
            EP.clips,
            typeof c.title === "string" && c.title.toLowerCase().endsWith(` - ${s.stem_type}`),
            `stem ${s.clip_id}.title ${preview(c.title)}: the facts show stems as "<title> - ${s.stem_type}" (parent "${parentTitle}")`,
          );
          if (F.CLIP_STATE.done(c)) {
            checkDoneClip(f, c);
            await checkStorageLink(f, c.audio_url, "m4a", { on404: "fail", label: `stem ${s.stem_type} audio_url` });
            if (typeof c.wav_url === "string")
              await checkStorageLink(f, c.wav_url, "wav", { on404: "accept", label: `stem ${s.stem_type} wav_url` });
          }
        }
      }
    }
    f.ok(
      EP.toolStems,
      site.credits() === 0,
      `split stems charged credits: balance ${site.credits()} after starting at 0 — fact: split stems is "(free)"`,
    );
    site.setCredits(100);
    f.done();
  });

  it("library listings answer { clips: [...] } holding the new clips", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    expect(song, "needs the compose generation").toBeDefined();
    const user = await apiPatient(
      "GET",
      `/__api/clips/user/${encodeURIComponent(userId)}?limit=100&offset=0&public_only=false`,
    );
    f.ok(EP.listUser, user.status === 200, `HTTP ${user.status} ${user.text.slice(0, 200)} (user_id ${userId})`);
    f.shape(EP.listUser, "body", user.json, F.LIST_USER.body);
    const auth = await apiPatient("GET", "/__api/clips/auth-user?limit=100&offset=0&filter=generations");
    f.ok(EP.listAuth, auth.status === 200, `HTTP ${auth.status} ${auth.text.slice(0, 200)}`);
    f.shape(EP.listAuth, "body", auth.json, F.LIST_AUTH_USER.body);
    const idsIn = (a: Answer) =>
      new Set<string>((Array.isArray(a.json?.clips) ? a.json.clips : []).map((c: Json) => c?.id));
    const u = idsIn(user);
    const au = idsIn(auth);
    for (const id of song!.clipIds) {
      f.ok(EP.listUser, u.has(id), `song ${id} is not in clips/user/<user_id>`);
      f.ok(EP.listAuth, au.has(id), `song ${id} is not in clips/auth-user?filter=generations`);
    }
    for (const id of stemIds)
      f.ok(
        EP.listUser,
        u.has(id) || au.has(id),
        `stem ${id} is in neither listing (the facts: stems appear in the library)`,
      );
    const one = await apiPatient(
      "GET",
      `/__api/clips/user/${encodeURIComponent(userId)}?limit=1&offset=0&public_only=false`,
    );
    f.ok(
      EP.listUser,
      Array.isArray(one.json?.clips) && one.json.clips.length <= 1,
      `limit=1 answered ${one.json?.clips?.length} clips`,
    );
    f.done();
  });

  it("chat: POST /__api/conversation → stream names the song and may stay open", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    site.setCredits(100);
    const conversationId = (await newConversation(f)) ?? "missing";
    const a = await apiPatient("POST", F.CHAT.path, {
      conversation_id: conversationId,
      parts: [{ content: "Make a short upbeat synth-pop song about night trains", part_kind: "user-prompt" }],
      client_context: {
        current_song_id: null,
        song_queue: [],
        project_id: null,
        selected_model: defaultModel,
        lyrics_id_map: {},
      },
      model_name: null,
      mode: "standard",
    });
    f.ok(EP.chat, a.status === F.CHAT.status, `answered HTTP ${a.status} ${a.text.slice(0, 200)}`);
    f.shape(EP.chat, "body", a.json, F.CHAT.body);
    const jobId = a.json?.job_id;
    if (typeof jobId !== "string") return f.done();
    const reader = await SseReader.open(site, jobId);
    try {
      const rets = await readCreateSongReturns(f, reader, EP.chat);
      if (rets.length) {
        await sleep(2000);
        note(`chat stream open 2 s after its tool-return: ${!reader.ended}`);
        f.ok(
          EP.chat,
          !reader.ended,
          `the chat stream ended ${reader.endedAt ? `${Date.now() - reader.endedAt} ms before` : ""} 2 s after its tool-return (facts: "its message stream can stay open for a long time"; the brief asks for it to stay open)`,
        );
        const op = rets[0]!.content.operation_id;
        if (typeof op === "string") {
          const st = await pollStatus(f, op);
          f.ok(EP.chat, st?.state === "complete", `the chat's operation ended ${st?.state ?? "nowhere"}`);
        }
      }
    } finally {
      reader.close();
    }
    f.done();
  });

  /**
   * Where the facts allow two readings the simulator has an option for each (README); every reading must still
   * hold to the facts: the tool-return as a `part` or inside a `message`, content as an object or a JSON string,
   * two songs as one operation or an A/B pair, one song, the status's *(may)* keys, a wav that 404s for a while.
   */
  const readings: Array<Record<string, unknown>> = [
    { streamParts: "part", songsPerGeneration: 1 },
    { streamParts: "message" },
    { streamParts: "both", toolReturnContent: "string" },
    { songPairs: "ab-test" },
    { songPairs: "ab-test-returns" },
    { statusExtras: true },
    { directStreamStaysOpen: true },
    { wavDelayMs: 3000 },
  ];
  for (const reading of readings) {
    it(`a whole take with ${JSON.stringify(reading)}`, { timeout: TEST_MS }, async () => {
      const f = new Findings();
      const other = await start({ generationMs: 50, variant: "flow-2026", ...reading } as never);
      try {
        other.setCredits(100);
        const bearer = readSession(other.issueSession()).json?.access_token;
        const conversationId = (await newConversation(f, other, bearer)) ?? "missing";
        const req = songRequest(`Contract ${Object.keys(reading).join(" ")}`);
        const a = await call(other.url, "POST", F.TOOL_CALL.path, createSongBody(conversationId, req), {}, bearer);
        f.ok(EP.toolCreate, a.status === 200, `answered HTTP ${a.status} ${a.text.slice(0, 200)}`);
        f.shape(EP.toolCreate, "body", a.json, F.TOOL_CALL.body);
        if (typeof a.json?.job_id !== "string") return f.done();
        const { rets, events } = await readTake(f, a.json.job_id, other, bearer);
        const ids = clipIdsOf(rets);
        const expected = reading.songsPerGeneration === 1 ? 1 : 2;
        f.ok(
          EP.streamCreate,
          ids.length === expected,
          `the stream named ${ids.length} clip(s) ${preview(ids)}; this take makes ${expected}`,
        );
        if (reading.songPairs === "ab-test") {
          // The facts leave open how an A/B pair shows: one content with `clip_id_b` and `a_b_test_id`, or two
          // tool-returns sharing an `a_b_test_id`. Either must name both clips and the test id.
          const one =
            rets.length === 1 &&
            typeof rets[0]!.content.clip_id_b === "string" &&
            typeof rets[0]!.content.a_b_test_id === "string";
          const two =
            rets.length === 2 &&
            rets.every((r) => typeof r.content.a_b_test_id === "string") &&
            rets[0]!.content.a_b_test_id === rets[1]!.content.a_b_test_id;
          f.ok(
            EP.streamCreate,
            one || two,
            `an A/B pair: ${rets.length} tool-return(s), a_b_test_id ${preview(rets.map((r) => r.content.a_b_test_id))}; stream: ${events.map((e) => `${e.event} ${e.raw.slice(0, 400)}`).join(" | ")}`,
          );
        }
        for (const op of new Set(rets.map((r) => r.content.operation_id))) {
          const st = await pollStatus(f, op, other, bearer);
          f.ok(EP.statusComplete, st?.state === "complete", `operation ${op} ended ${st?.state ?? "nowhere"}`);
        }
        const clips = await pollClips(f, ids, F.CLIP_STATE.done, {
          label: "body",
          timeoutMs: 30_000,
          s: other,
          bearer,
        });
        for (const id of ids) {
          const c = clips[id];
          f.ok(
            EP.clips,
            F.CLIP_STATE.done(c),
            `clip ${id} not done: ${preview(c?.duration)} — fact: ${F.CLIP_STATE.fact}`,
          );
          if (!F.CLIP_STATE.done(c)) continue;
          f.ok(
            EP.clips,
            c.operation?.sound_prompt === req.sound_prompt,
            `clip ${id}.operation.sound_prompt ${preview(c.operation?.sound_prompt)} is not the sent ${preview(req.sound_prompt)}`,
          );
          f.ok(
            EP.clips,
            opIdMatches(rets, c),
            `clip ${id}.op_id ${preview(c.op_id)} is not a tool-return's operation_id`,
          );
          checkDoneClip(f, c, other);
          await checkStorageLink(f, c.audio_url, "m4a", { on404: "fail", label: `clip ${id} audio_url`, s: other });
          if (typeof c.wav_url === "string")
            await checkStorageLink(f, c.wav_url, "wav", { on404: "retry", label: `clip ${id} wav_url`, s: other });
        }
      } finally {
        await other.close();
      }
      f.done();
    });
  }

  it("operation status while running: no job_id, not complete", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    const slow = await start({ generationMs: 20_000, variant: "flow-2026" });
    try {
      slow.setCredits(100);
      const st = readSession(slow.issueSession());
      const bearer = st.json?.access_token;
      const conversationId = (await newConversation(f, slow, bearer)) ?? "missing";
      const a = await call(
        slow.url,
        "POST",
        F.TOOL_CALL.path,
        createSongBody(conversationId, songRequest("Contract Slow")),
        {},
        bearer,
      );
      f.ok(EP.toolCreate, a.status === 200, `answered HTTP ${a.status}`);
      const jobId = a.json?.job_id;
      if (typeof jobId === "string") {
        const { rets } = await readTake(f, jobId, slow, bearer);
        const op = rets[0]?.content.operation_id;
        if (typeof op === "string") {
          const s = await call(slow.url, "GET", `/__api/audio-create-song-status/${op}`, undefined, {}, bearer);
          f.ok(EP.statusRunning, s.status === 200, `HTTP ${s.status}`);
          f.shape(EP.statusRunning, "body", s.json, F.STATUS.running);
          f.ok(
            EP.statusRunning,
            !F.STATUS.isComplete(s.json ?? {}) && !F.STATUS.isFailed(s.json ?? {}),
            `a 20 s generation reads ${preview(s.json)} right after it started`,
          );
          const ids = clipIdsOf(rets);
          const c = await call(slow.url, "POST", "/__api/clips", { clip_ids: ids }, {}, bearer);
          f.shape(EP.clips, "body (running)", c.json, F.CLIPS.body);
          for (const id of ids) {
            const clip = c.json?.clips?.[id];
            f.ok(
              EP.clips,
              clip && !F.CLIP_STATE.done(clip) && !F.CLIP_STATE.failed(clip),
              `running clip ${id} reads done or failed: ${preview(clip?.duration)}`,
            );
          }
        }
      }
    } finally {
      await slow.close();
    }
    f.done();
  });

  it("operation status when the song fails: error_type / error_message, no job_id", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    await withFault(f, EP.statusFailed, "song-failed", async (conversationId) => {
      const jobId = await requestSong(f, EP.toolCreate, conversationId, "Contract Fail");
      if (!jobId) return;
      const { rets } = await readTake(f, jobId);
      const op = rets[0]?.content.operation_id;
      if (typeof op !== "string") return;
      const st = await pollStatus(f, op);
      f.ok(
        EP.statusFailed,
        st?.state === "failed",
        `a failed song's status ended ${st?.state ?? "nowhere"}: ${preview(st?.body)} — fact: ${F.STATUS.fact}`,
      );
      // Its clips must read failed too ("it failed when `deleted_at` is set or `duration.status` says fail/error"),
      // or a driver that polls clips would wait forever.
      const ids = clipIdsOf(rets);
      const clips = await pollClips(f, ids, F.CLIP_STATE.failed, { label: "body (failed song)", timeoutMs: 10_000 });
      for (const id of ids) {
        f.ok(
          EP.clips,
          F.CLIP_STATE.failed(clips[id]),
          `the failed song's clip ${id} does not read failed: ${clips[id] ? `deleted_at ${preview(clips[id].deleted_at)}, duration ${preview(clips[id].duration)}` : "absent from clips"} — fact: ${F.CLIP_STATE.fact}`,
        );
        f.ok(EP.clips, !F.CLIP_STATE.done(clips[id]), `the failed song's clip ${id} reads done`);
      }
    });
    f.done();
  });

  it("429 with retry-after while busy, then the call goes through", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    await withFault(f, EP.busy, "busy", async (conversationId) => {
      const a = await api("POST", F.TOOL_CALL.path, createSongBody(conversationId, songRequest("Contract Busy")));
      f.ok(
        EP.busy,
        a.status === F.BUSY.status,
        `the busy fault answered HTTP ${a.status} ${a.text.slice(0, 200)} — fact: ${F.BUSY.fact}`,
      );
      const ra = a.headers.get(F.BUSY.header);
      note(`429 busy: retry-after ${preview(ra)}, body ${a.text.slice(0, 160)}`);
      f.ok(EP.busy, F.BUSY.headerValue(ra), `retry-after is ${preview(ra)} — fact: ${F.BUSY.fact}`);
      await sleep(Math.min(20_000, (Number(ra) || 1) * 1000));
      const b = await apiPatient(
        "POST",
        F.TOOL_CALL.path,
        createSongBody(conversationId, songRequest("Contract Busy")),
      );
      f.ok(
        EP.busy,
        b.status === 200 && typeof b.json?.job_id === "string",
        `after waiting, the call answered HTTP ${b.status} (429 means wait, not fail)`,
      );
    });
    f.done();
  });

  it("402 on the generation call when out of credits", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    const conversationId = (await newConversation(f)) ?? "missing";
    site.setCredits(F.OUT_OF_CREDITS.creditsPerSong - 1);
    try {
      const a = await api("POST", F.TOOL_CALL.path, createSongBody(conversationId, songRequest("Contract Broke")));
      f.ok(
        EP.credits402,
        a.status === F.OUT_OF_CREDITS.status,
        `with ${F.OUT_OF_CREDITS.creditsPerSong - 1} credits the call answered HTTP ${a.status} ${a.text.slice(0, 200)} — fact: ${F.OUT_OF_CREDITS.fact}`,
      );
      f.ok(EP.credits402, a.json?.job_id === undefined, "a refused call still carries a job_id");
      note(`402 body: ${a.text.slice(0, 160)}`);
      f.ok(
        EP.credits402,
        site.credits() === F.OUT_OF_CREDITS.creditsPerSong - 1,
        `a refused call charged credits (balance ${site.credits()})`,
      );
    } finally {
      site.setCredits(100);
    }
    f.done();
  });

  it("the stream's error event carries { type, message, raw_error }", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    await withFault(f, EP.streamError, "stream-error", async (conversationId) => {
      const jobId = await requestSong(f, EP.streamError, conversationId, "Contract Err");
      if (!jobId) return;
      const reader = await SseReader.open(site, jobId);
      try {
        const err = await reader.waitFor((evs) => evs.find((e) => e.event === "error"), 20_000);
        f.ok(
          EP.streamError,
          err,
          `no error event within 20 s with the stream-error fault (events: ${reader.events.map((e) => e.event).join(", ")})`,
        );
        if (err) f.shape(EP.streamError, "error event", err.data, F.STREAM_ERROR_EVENT);
        if (err) note(`stream error event data: ${err.raw.slice(0, 200)}`);
        checkStreamEvents(f, EP.stream, reader.events);
      } finally {
        reader.close();
      }
    });
    f.done();
  });

  it("401 for an expired access token; the refresh token still signs in", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    const s = readSession(site.issueSession(undefined, { ttlSecs: -60 }));
    f.ok(EP.expired, typeof s.json?.access_token === "string", "an expired session has no access_token");
    f.ok(
      EP.expired,
      (s.json?.expires_at ?? Infinity) < Date.now() / 1000,
      `expires_at ${s.json?.expires_at} is not in the past`,
    );
    const a = await api("GET", F.CREDITS.path, undefined, s.json?.access_token);
    f.ok(
      EP.expired,
      a.status === F.EXPIRED_ACCESS_TOKEN.status,
      `an expired access token got HTTP ${a.status} from ${F.CREDITS.path} — fact: ${F.EXPIRED_ACCESS_TOKEN.fact}`,
    );
    const r = await refresh(site, s.json?.refresh_token);
    f.ok(
      EP.refresh,
      r.status === F.REFRESH.status,
      `refreshing an expired session answered HTTP ${r.status} ${r.text.slice(0, 200)} at ${supabaseBase(site)} — fact: "an expires_at in the past does not mean signed out"`,
    );
    f.shape(EP.refresh, "body", r.json, F.REFRESH.body);
    if (typeof r.json?.access_token === "string") {
      const b = await api("GET", F.CREDITS.path, undefined, r.json.access_token);
      f.ok(EP.refresh, b.status === 200, `the refreshed access token got HTTP ${b.status}`);
    }
    f.done();
  });

  it("Supabase refresh rotates the refresh token; the old one stops working, its reuse revokes the session", {
    timeout: TEST_MS,
  }, async () => {
    const f = new Findings();
    const s = readSession(site.issueSession());
    const old = s.json?.refresh_token as string;
    const r = await refresh(site, old);
    f.ok(
      EP.refresh,
      r.status === F.REFRESH.status,
      `HTTP ${r.status} ${r.text.slice(0, 200)} at ${supabaseBase(site)}${F.REFRESH.path} — fact: ${F.REFRESH.fact}`,
    );
    f.shape(EP.refresh, "body", r.json, F.REFRESH.body);
    const next = r.json?.refresh_token;
    if (typeof next !== "string") return f.done();
    f.ok(EP.refresh, next !== old, "the refresh token did not rotate (same token came back)");
    const c = await api("GET", F.CREDITS.path, undefined, r.json.access_token);
    f.ok(EP.refresh, c.status === 200, `the new access token got HTTP ${c.status}`);
    // The old one stops working — maybe only after a short reuse window (Supabase: 10 s).
    const rotatedAt = Date.now();
    const deadline = rotatedAt + (F.REFRESH.reuseWindowSecs + 5) * 1000;
    let oldAnswer: Answer;
    for (;;) {
      oldAnswer = await refresh(site, old);
      if (oldAnswer.status !== 200 || Date.now() >= deadline) break;
      await sleep(2000);
    }
    note(
      `refresh: the rotated-out token was refused (HTTP ${oldAnswer.status}) about ${Math.round((Date.now() - rotatedAt) / 1000)} s after rotation; body ${oldAnswer.text.slice(0, 160)}`,
    );
    f.ok(
      EP.refresh,
      F.REFRESH.oldTokenRefusedStatuses.includes(oldAnswer.status),
      `the rotated-out refresh token still answers HTTP ${oldAnswer.status} after ${F.REFRESH.reuseWindowSecs + 5} s — fact: "the old one stops working"`,
    );
    f.ok(
      EP.refresh,
      oldAnswer.status === F.REFRESH.reused.status &&
        oldAnswer.json?.error === F.REFRESH.reused.body.error &&
        oldAnswer.json?.error_description === F.REFRESH.reused.body.error_description,
      `the reused refresh token answered HTTP ${oldAnswer.status} ${oldAnswer.text.slice(0, 160)} — fact: ${F.REFRESH.reused.fact}`,
    );
    // The whole session is revoked: its newest refresh token and access token stop working as well.
    const again = await refresh(site, next);
    f.ok(
      EP.refresh,
      again.status === F.REFRESH.reused.status &&
        again.json?.error_description === F.REFRESH.reused.body.error_description,
      `after the reuse, the session's newest refresh token answered HTTP ${again.status} ${again.text.slice(0, 160)} — fact: ${F.REFRESH.reused.fact}`,
    );
    const signedOut = await api("GET", F.CREDITS.path, undefined, r.json.access_token);
    f.ok(
      EP.refresh,
      signedOut.status === F.EXPIRED_ACCESS_TOKEN.status,
      `after the reuse, the session's access token got HTTP ${signedOut.status} — fact: ${F.REFRESH.reused.fact}`,
    );
    const unknown = await refresh(site, "never-issued");
    f.ok(
      EP.refresh,
      unknown.status === 400 && unknown.json?.error_description === F.REFRESH.reused.notFoundDescription,
      `an unknown refresh token answered HTTP ${unknown.status} ${unknown.text.slice(0, 160)}`,
    );
    f.done();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The song operations (§A "Operations beyond a new song")
// ---------------------------------------------------------------------------------------------------------------

const OP = {
  recipe: "POST /__api/recipes/create",
  recipe422: "POST /__api/recipes/create (refused body)",
  render: "tool audio__render_edit",
  effect: "tool audio__apply_effect",
  convert: "tool audio__convert_format",
  failure: "stream error tool_call_failure",
  convertDownload: "GET /__api/download/audio/<id>?format= (conversion)",
} as const;

/** Calls one tool of the song operations the way the compose call is sent, and reads its stream to its return or error. */
async function runOperationTool(
  f: Findings,
  endpoint: string,
  tool: string,
  args: Record<string, unknown>,
): Promise<{ content?: Json; error?: Json }> {
  const conversationId = (await newConversation(f)) ?? "missing";
  const body = {
    conversation_id: conversationId,
    part: { tool_name: tool, args, part_kind: "tool-call", tool_call_id: randomUUID() },
    client_context: {
      current_song_id: null,
      song_queue: [],
      project_id: null,
      selected_model: defaultModel,
      lyrics_id_map: {},
    },
  };
  const a = await apiPatient("POST", F.TOOL_CALL.path, body);
  const jobId = a.json?.job_id;
  if (
    !f.ok(endpoint, a.status === 200 && typeof jobId === "string", `answered HTTP ${a.status} ${a.text.slice(0, 200)}`)
  )
    return {};
  const reader = await SseReader.open(site, jobId);
  try {
    const seen = (events: SseEvent[]) =>
      toolReturns(events, tool).length > 0 || events.some((e) => e.event === "error") ? true : undefined;
    await reader.waitFor(seen, 30_000);
    checkStreamEvents(f, EP.stream, reader.events);
    const ret = toolReturns(reader.events, tool)[0];
    if (ret) f.shape(endpoint, "tool-return part", ret.part, F.TOOL_RETURN_PART.shape);
    return { content: ret?.content, error: reader.events.find((e) => e.event === "error")?.data };
  } finally {
    reader.close();
  }
}

/** A song of the account's library made before (not by this test): the source of every operation below. */
async function librarySong(f: Findings): Promise<{ id: string; secs: number } | undefined> {
  site.seedLibrary(undefined, 1);
  const listed = await api("GET", "/__api/clips/auth-user?limit=100&offset=0&filter=generations");
  const clips: Json[] = Array.isArray(listed.json?.clips) ? listed.json.clips : [];
  const old = clips.filter((c) => F.CLIP_STATE.done(c)).at(-1);
  f.ok(OP.recipe, old, "no finished song in the library to edit");
  return old ? { id: old.id, secs: Number(old.duration?.value) } : undefined;
}

/** Makes a recipe of Input → `edit` → Output on `clipId` (checking the answer): its id. */
async function makeRecipe(f: Findings, clipId: string, edit: Record<string, unknown>): Promise<string | undefined> {
  const nodes = [O.RECIPE_NODES.input(clipId), O.RECIPE_NODES.edit(edit), O.RECIPE_NODES.output("Edited")];
  const a = await apiPatient("POST", O.RECIPE_CREATE.path, {
    recipe: { nodes, instruction: edit.instruction ?? null },
  });
  f.ok(
    OP.recipe,
    a.status === O.RECIPE_CREATE.status,
    `answered HTTP ${a.status} ${a.text.slice(0, 200)} — fact: ${O.RECIPE_CREATE.fact}`,
  );
  f.shape(OP.recipe, "body", a.json, O.RECIPE_CREATE.body);
  return typeof a.json?.recipe_id === "string" ? a.json.recipe_id : undefined;
}

/** Renders a recipe and awaits its clip like a song: the done clip (checked), or undefined. */
async function renderAndAwait(f: Findings, recipeId: string, args: Record<string, unknown>): Promise<Json> {
  const { content } = await runOperationTool(f, OP.render, "audio__render_edit", { recipe_id: recipeId, ...args });
  if (!content) return f.ok(OP.render, false, "no tool-return for audio__render_edit") && undefined;
  f.shape(OP.render, "tool-return content", content, O.RENDER_EDIT_RETURN);
  const ids = O.renderedClipIds(content);
  f.ok(OP.render, ids.length > 0, `the tool-return names no clip (clip_outputs or clip_id) — ${preview(content)}`);
  if (ids.length === 0) return undefined;
  const status = await pollStatus(f, content.operation_id);
  f.ok(OP.render, status?.state === "complete", `the render's operation ended ${status?.state}: "awaited like songs"`);
  const clips = await waitClips(f, [ids[0] as string]);
  const clip = clips?.[ids[0] as string];
  if (clip) checkDoneClip(f, clip);
  return clip;
}

describe("flow-2026 simulator against §A Operations beyond a new song", () => {
  it("edits = recipe + audio__render_edit: extend (from the end / from a point), replace, cover", {
    timeout: TEST_MS,
  }, async () => {
    const f = new Findings();
    site.setCredits(100);
    const source = await librarySong(f);
    if (!source) return f.done();
    const cases = [
      { edit: O.RECIPE_NODES.extend(5, null), secs: source.secs + 5, label: "extend 5 s from the end" },
      { edit: O.RECIPE_NODES.extend(5, 1), secs: 1 + 5, label: "extend 5 s from 1 s" },
      { edit: O.RECIPE_NODES.replace([{ start_s: 0.5, end_s: 1.5 }]), secs: source.secs, label: "replace 0.5–1.5 s" },
      { edit: O.RECIPE_NODES.cover(0.5), secs: source.secs, label: "cover at 0.5" },
    ];
    for (const [i, c] of cases.entries()) {
      const recipeId = await makeRecipe(f, source.id, c.edit);
      if (!recipeId) continue;
      // DB sends `{ recipe_id, title, image_id: null }`, FS `{ recipe_id, title }`: both must be taken.
      const args = i % 2 === 0 ? { title: c.label, image_id: null } : { title: c.label };
      const clip = await renderAndAwait(f, recipeId, args);
      if (!clip) continue;
      f.ok(OP.render, clip.op_type === "audio__render_edit", `${c.label}: op_type ${preview(clip.op_type)}`);
      f.ok(
        OP.render,
        clip.operation?.source_clip_id === source.id,
        `${c.label}: operation.source_clip_id ${preview(clip.operation?.source_clip_id)} — "the source is kept"`,
      );
      f.ok(OP.render, clip.id !== source.id, `${c.label}: the render answered the source's own id`);
      f.ok(
        OP.render,
        Math.abs(Number(clip.duration?.value) - c.secs) < 0.05,
        `${c.label}: duration ${clip.duration?.value}, expected ${c.secs} — fact: extend_s = "seconds to add"; replace keeps the rest`,
      );
    }
    f.done();
  });

  it('a recipe missing a required field answers FastAPI\'s 422 "Field required"', { timeout: TEST_MS }, async () => {
    const f = new Findings();
    const source = await librarySong(f);
    if (!source) return f.done();
    const { extend_s: _dropped, ...noSeconds } = O.RECIPE_NODES.extend(5, null);
    const bodies = [
      { label: "no recipe", body: {} },
      { label: "no nodes", body: { recipe: { instruction: null } } },
      {
        label: "ExtendSection without extend_s",
        body: {
          recipe: {
            nodes: [O.RECIPE_NODES.input(source.id), O.RECIPE_NODES.edit(noSeconds), O.RECIPE_NODES.output("x")],
            instruction: null,
          },
        },
      },
    ];
    for (const { label, body } of bodies) {
      const a = await api("POST", O.RECIPE_CREATE.path, body);
      f.ok(
        OP.recipe422,
        a.status === O.SCHEMA_REFUSAL.status,
        `${label}: HTTP ${a.status} — fact: ${O.SCHEMA_REFUSAL.fact}`,
      );
      f.shape(OP.recipe422, `${label}: body`, a.json, O.SCHEMA_REFUSAL.body);
      f.ok(
        OP.recipe422,
        a.text.includes(O.SCHEMA_REFUSAL.text),
        `${label}: the answer does not say "Field required": ${a.text.slice(0, 200)}`,
      );
    }
    f.done();
  });

  it("effects: audio__apply_effect Trim / TempoShift → { result_clip_id }; a bad graph → tool_call_failure", {
    timeout: TEST_MS,
  }, async () => {
    const f = new Findings();
    const source = await librarySong(f);
    if (!source) return f.done();
    const cases = [
      { fx: O.EFFECT_GRAPH.trim(0.5, 2), secs: 1.5, label: "Trim 0.5–2 s" },
      { fx: O.EFFECT_GRAPH.tempo(2, 0), secs: source.secs / 2, label: "TempoShift speed 2" },
    ];
    for (const c of cases) {
      const { content } = await runOperationTool(f, OP.effect, "audio__apply_effect", {
        graph: O.EFFECT_GRAPH.of(source.id, c.fx),
        output_title: c.label,
      });
      if (!f.shape(OP.effect, `${c.label}: tool-return content`, content, O.RESULT_CLIP_RETURN)) continue;
      const clip = (await waitClips(f, [content.result_clip_id]))?.[content.result_clip_id];
      f.ok(
        OP.effect,
        clip && Math.abs(Number(clip.duration?.value) - c.secs) < 0.05,
        `${c.label}: duration ${clip?.duration?.value}, expected ${c.secs}`,
      );
    }
    const bad = await runOperationTool(f, OP.effect, "audio__apply_effect", {
      graph: O.EFFECT_GRAPH.of(source.id, { node_type: "Trim", node_id: "trim", input_ids: ["input"] }),
      output_title: "no bounds",
    });
    f.ok(
      OP.failure,
      bad.content === undefined,
      `a Trim without start_s/end_s got a tool-return ${preview(bad.content)}`,
    );
    f.shape(OP.failure, "error", bad.error, F.STREAM_ERROR_EVENT);
    f.ok(
      OP.failure,
      bad.error?.type === O.TOOL_CALL_FAILURE.type && bad.error?.message === O.TOOL_CALL_FAILURE.message,
      `error ${preview(bad.error)} — fact: ${O.TOOL_CALL_FAILURE.fact}`,
    );
    f.done();
  });

  it("conversion: audio__convert_format fails on effect-made clips; the download endpoint converts, flac/ogg refused", {
    timeout: TEST_MS,
  }, async () => {
    const f = new Findings();
    const source = await librarySong(f);
    if (!source) return f.done();
    const converted = await runOperationTool(f, OP.convert, "audio__convert_format", {
      track_id: source.id,
      output_title: "converted",
      output_format: { extension: "wav" },
    });
    f.shape(OP.convert, "tool-return content", converted.content, O.RESULT_CLIP_RETURN);
    const trimmed = await runOperationTool(f, OP.effect, "audio__apply_effect", {
      graph: O.EFFECT_GRAPH.of(source.id, O.EFFECT_GRAPH.trim(0, 1)),
      output_title: "trimmed",
    });
    const effectMade = trimmed.content?.result_clip_id;
    if (effectMade) {
      await waitClips(f, [effectMade]);
      const refused = await runOperationTool(f, OP.convert, "audio__convert_format", {
        track_id: effectMade,
        output_title: "no",
        output_format: { extension: "mp3" },
      });
      f.ok(
        OP.convert,
        refused.content === undefined && refused.error?.type === O.TOOL_CALL_FAILURE.type,
        `converting an effect-made clip answered ${preview(refused.content ?? refused.error)} — fact: "fails on effect-made clips"`,
      );
    }
    for (const id of [source.id, effectMade].filter((x): x is string => typeof x === "string")) {
      for (const format of F.DOWNLOAD.formats) {
        const res = await fetch(`${site.url}/__api/download/audio/${id}?format=${format}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        const bytes = new Uint8Array(await res.arrayBuffer());
        const ct = res.headers.get("content-type") ?? "";
        f.ok(
          OP.convertDownload,
          res.status === 200 && O.DOWNLOAD_CONVERSION.namesFormat[format]?.test(ct),
          `${id} format=${format}: HTTP ${res.status}, content-type "${ct}" — fact: ${O.DOWNLOAD_CONVERSION.fact}`,
        );
        f.ok(
          OP.convertDownload,
          F.MAGIC.check(format, bytes),
          `${id} format=${format}: first bytes are not ${format} — fact: ${F.MAGIC.fact}`,
        );
      }
      for (const format of O.DOWNLOAD_CONVERSION.refused) {
        const res = await fetch(`${site.url}/__api/download/audio/${id}?format=${format}`, {
          headers: { authorization: `Bearer ${token}` },
        });
        await res.arrayBuffer();
        f.ok(
          OP.convertDownload,
          res.status >= 400 && res.status < 500,
          `${id} format=${format}: HTTP ${res.status}, not refused — fact: "flac/ogg refused"`,
        );
      }
    }
    f.done();
  });

  it("a failed render reads as failed like a song; 402 and 429 on the edit's tool call", {
    timeout: TEST_MS,
  }, async () => {
    const f = new Findings();
    site.setCredits(100);
    const source = await librarySong(f);
    const recipeId = source ? await makeRecipe(f, source.id, O.RECIPE_NODES.extend(2, null)) : undefined;
    if (!recipeId) return f.done();
    setFault(f, OP.render, "edit-failed", { times: 1 });
    const { content } = await runOperationTool(f, OP.render, "audio__render_edit", { recipe_id: recipeId, title: "x" });
    const ids = content ? O.renderedClipIds(content) : [];
    const status = content ? await pollStatus(f, content.operation_id) : undefined;
    f.ok(
      OP.render,
      status?.state === "failed",
      `a failed render's status ended ${status?.state} — fact: ${F.STATUS.fact}`,
    );
    const clips = ids.length
      ? await pollClips(f, ids, (c) => F.CLIP_STATE.failed(c), { label: "failed render", timeoutMs: 10_000 })
      : {};
    f.ok(
      OP.render,
      ids.length > 0 && F.CLIP_STATE.failed(clips[ids[0] as string]),
      `the failed render's clip does not read as failed — fact: ${F.CLIP_STATE.fact}`,
    );
    const body = (tool: string) => ({
      conversation_id: "x",
      part: {
        tool_name: tool,
        args: { recipe_id: recipeId, title: "x" },
        part_kind: "tool-call",
        tool_call_id: randomUUID(),
      },
      client_context: {},
    });
    const conversationId = (await newConversation(f)) ?? "missing";
    site.setCredits(0);
    const poor = await api("POST", F.TOOL_CALL.path, {
      ...body("audio__render_edit"),
      conversation_id: conversationId,
    });
    f.ok(
      EP.credits402,
      poor.status === F.OUT_OF_CREDITS.status,
      `an edit without credits answered HTTP ${poor.status} — fact: ${F.OUT_OF_CREDITS.fact}`,
    );
    site.setCredits(100);
    setFault(f, EP.busy, "busy", { times: 1 });
    const busy = await api("POST", F.TOOL_CALL.path, {
      ...body("audio__render_edit"),
      conversation_id: conversationId,
    });
    f.ok(
      EP.busy,
      busy.status === F.BUSY.status && F.BUSY.headerValue(busy.headers.get(F.BUSY.header)),
      `a busy edit answered HTTP ${busy.status}, retry-after ${preview(busy.headers.get(F.BUSY.header))} — fact: ${F.BUSY.fact}`,
    );
    site.faults.clear();
    f.done();
  });

  it("split stems of any song of the library, one made before and an edit", { timeout: TEST_MS }, async () => {
    const f = new Findings();
    site.setCredits(100);
    const source = await librarySong(f);
    if (!source) return f.done();
    const recipeId = await makeRecipe(f, source.id, O.RECIPE_NODES.cover(0.2));
    const edited = recipeId ? await renderAndAwait(f, recipeId, { title: "stems source" }) : undefined;
    for (const parent of [source.id, edited?.id].filter((x): x is string => typeof x === "string")) {
      const { content } = await runOperationTool(f, EP.toolStems, "audio__split_stems", { clip_id: parent });
      if (!f.shape(EP.streamStems, "tool-return content", content, F.SPLIT_STEMS_RETURN)) continue;
      const ids = content.stems.map((stem: Json) => stem.clip_id as string);
      const clips = await waitClips(f, ids);
      for (const id of ids)
        f.ok(
          EP.streamStems,
          clips?.[id]?.operation?.source_clip_id === parent,
          `stem ${id}: source_clip_id ${preview(clips?.[id]?.operation?.source_clip_id)}, not ${parent}`,
        );
    }
    f.done();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Lyrics (§A "Operations beyond a new song" → Lyrics)
// ---------------------------------------------------------------------------------------------------------------

describe("flow-2026 simulator against §A Lyrics", () => {
  it("lyrics__create → { title, lyrics }; lyrics__register → { lyrics_id } = uuid5(text); lyrics__edit → { lyrics }", {
    timeout: TEST_MS,
  }, async () => {
    const f = new Findings();
    const credits = 50;
    site.setCredits(credits);
    const created = await runOperationTool(f, "tool lyrics__create", "lyrics__create", {
      prompt: "rain on a tin roof",
    });
    f.shape("tool lyrics__create", "tool-return content", created.content, L.LYRICS_CREATE_RETURN);
    const text = String(created.content?.lyrics ?? "");
    const registered = await runOperationTool(f, "tool lyrics__register", "lyrics__register", { lyrics: text });
    f.shape("tool lyrics__register", "tool-return content", registered.content, L.LYRICS_REGISTER_RETURN);
    const id = String(registered.content?.lyrics_id ?? "");
    f.ok(
      "tool lyrics__register",
      L.LYRICS_ID.pattern.test(id),
      `lyrics_id ${id} is not a uuid v5 — fact: ${L.LYRICS_ID.fact}`,
    );
    f.ok(
      "tool lyrics__register",
      id === uuidV5(text),
      `lyrics_id ${id} is not uuid5 of the text — fact: ${L.LYRICS_ID.fact}`,
    );
    const edited = await runOperationTool(f, "tool lyrics__edit", "lyrics__edit", {
      prompt: "add a bridge",
      lyrics_id: id,
    });
    f.shape("tool lyrics__edit", "tool-return content", edited.content, L.LYRICS_EDIT_RETURN);
    f.ok("tool lyrics__edit", edited.content?.lyrics !== text, "the edit returned the lyrics unchanged");
    const unknown = await runOperationTool(f, "tool lyrics__edit", "lyrics__edit", {
      prompt: "x",
      lyrics_id: randomUUID(),
    });
    f.ok(
      "tool lyrics__edit",
      unknown.error?.type === "tool_call_failure",
      `an unknown lyrics_id answered ${preview(unknown)}`,
    );
    const { toolRuns } = site.stats.flow;
    for (const tool of ["lyrics__create", "lyrics__register", "lyrics__edit"])
      f.ok(tool, (toolRuns[tool] ?? 0) >= 1, `toolRuns.${tool} = ${toolRuns[tool]}`);
    f.done();
  });

  it("the id of the text [Instrumental] is the facts' known value", () => {
    expect(uuidV5("[Instrumental]")).toBe(L.LYRICS_ID.instrumental);
  });
});

/** uuid v5 as the facts describe it, written here from the RFC so the simulator is checked, not trusted. */
function uuidV5(name: string): string {
  const hash = createHash("sha1")
    .update(Buffer.from(L.LYRICS_ID.namespace.replace(/-/g, ""), "hex"))
    .update(name, "utf8")
    .digest();
  hash[6] = ((hash[6] as number) & 0x0f) | 0x50;
  hash[8] = ((hash[8] as number) & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

describe("flow-2026 simulator against §A Analysis", () => {
  it("audio__caption / audio__transcribe on a clip's audio_url, songs__get_metadata on its id; an unknown clip → tool_call_failure", {
    timeout: TEST_MS,
  }, async () => {
    const f = new Findings();
    const source = await librarySong(f);
    if (!source) return f.done();
    const clip = (await api("POST", F.CLIPS.path, { clip_ids: [source.id] })).json?.clips?.[source.id];
    const audioUrl = clip?.audio_url;
    f.ok("tool audio__caption", typeof audioUrl === "string", `the clip has no audio_url — ${preview(clip)}`);
    const creditsBefore = site.credits();
    const caption = await runOperationTool(f, "tool audio__caption", "audio__caption", {
      prompt: "Describe the musical style, instruments, vocals, and overall mood of this track.",
      audio_url: audioUrl,
    });
    f.shape("tool audio__caption", "tool-return content", caption.content, A.CAPTION_RETURN);
    const transcript = await runOperationTool(f, "tool audio__transcribe", "audio__transcribe", {
      audio_url: audioUrl,
    });
    f.shape("tool audio__transcribe", "tool-return content", transcript.content, A.TRANSCRIBE_RETURN);
    const metadata = await runOperationTool(f, "tool songs__get_metadata", "songs__get_metadata", {
      clip_id: source.id,
    });
    f.shape("tool songs__get_metadata", "tool-return content", metadata.content, A.METADATA_RETURN);
    f.ok(
      "tool audio__caption",
      site.credits() === creditsBefore,
      `the analysis cost ${creditsBefore - site.credits()} credits — fact: ${A.ANALYSIS_COST.fact}`,
    );
    const unknown = await runOperationTool(f, "tool audio__transcribe", "audio__transcribe", {
      audio_url: String(audioUrl).replace(source.id, randomUUID()),
    });
    f.ok(
      OP.failure,
      unknown.content === undefined && unknown.error?.type === O.TOOL_CALL_FAILURE.type,
      `an unknown clip's audio_url answered ${preview(unknown)} — fact: ${O.TOOL_CALL_FAILURE.fact}`,
    );
    const { toolRuns } = site.stats.flow;
    for (const tool of ["audio__caption", "audio__transcribe", "songs__get_metadata"])
      f.ok(`tool ${tool}`, toolRuns[tool] === 1, `toolRuns.${tool} = ${toolRuns[tool]}`);
    f.done();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Upload audio (§A "Operations beyond a new song" → Upload audio)
// ---------------------------------------------------------------------------------------------------------------

/** Sends a file as the facts' multipart (`file`, `file_type`, `filename`), with the Bearer. */
async function uploadFile(bytes: Buffer, fileType: string, filename: string) {
  const form = new FormData();
  form.append("file", new Blob([new Uint8Array(bytes)], { type: fileType }), filename);
  form.append("file_type", fileType);
  form.append("filename", filename);
  const res = await fetch(`${site.url}${U.UPLOAD.path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  return { status: res.status, json: (await res.json().catch(() => undefined)) as Json };
}

/** Uploads a file and polls its check until `complete`: the upload's answer and every check answer seen. */
async function uploadAndCheck(f: Findings, bytes: Buffer, filename: string) {
  const up = await uploadFile(bytes, U.WAV_MIME, filename);
  f.ok("upload-audio", up.status === U.UPLOAD.status, `answered HTTP ${up.status} — fact: ${U.UPLOAD_FACT}`);
  f.shape("upload-audio", "body", up.json, U.UPLOAD_ANSWER);
  const clipId = String(up.json?.clip_id ?? up.json?.id ?? "");
  f.ok("upload-audio", clipId !== "", `names no clip_id or id — fact: ${U.UPLOAD_FACT}`);
  const operationId = String(up.json?.operation_id ?? "");
  const checks: Json[] = [];
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(200)) {
    const a = await api("GET", U.checkPath(clipId, operationId));
    f.shape("upload-check-status", "body", a.json, U.CHECK_ANSWER);
    checks.push(a.json);
    if (a.json?.status === "complete") break;
  }
  return { clipId, operationId, checks, last: checks.at(-1) };
}

describe("flow-2026 simulator against §A Upload audio", () => {
  it("upload → check (null/pending, then complete) → a clip of the library whose wav is the uploaded bytes", {
    timeout: TEST_MS,
  }, async () => {
    const f = new Findings();
    const bytes = synthesizeWav({ seed: "upload", durationSecs: 1 });
    const { clipId, checks, last } = await uploadAndCheck(f, bytes, "my demo.wav");
    f.ok(
      "upload-check-status",
      checks.length > 1 && [null, "pending"].includes(checks[0]?.status),
      `first answers ${preview(checks.slice(0, 2))} — fact: ${U.CHECK_FACT}`,
    );
    f.ok(
      "upload-check-status",
      last?.status === "complete" && last?.has_cid_match === false && last?.has_vocals === false,
      `ended ${preview(last)}`,
    );
    const listed = await api("GET", "/__api/clips/auth-user?limit=50&offset=0&filter=generations");
    const clip = (listed.json?.clips ?? []).find((c: Json) => c.id === clipId);
    f.ok("upload-audio", clip !== undefined, `the uploaded clip ${clipId} is not in the library listing`);
    const wav = clip?.wav_url ? await fetch(clip.wav_url) : undefined;
    const served = wav ? Buffer.from(await wav.arrayBuffer()) : Buffer.alloc(0);
    f.ok(
      "upload-audio",
      served.equals(bytes),
      `the clip's wav_url serves ${served.length} bytes, not the ${bytes.length} uploaded`,
    );
    f.done();
  });

  it("a refused upload also reports complete, the flag saying why; vocals removed give a new clip id", {
    timeout: TEST_MS,
  }, async () => {
    const f = new Findings();
    const bytes = synthesizeWav({ seed: "refused", durationSecs: 1 });
    for (const [fault, flag] of [
      ["upload-protected", "has_cid_match"],
      ["upload-lyrics-moderation", "lyrics_moderation_failed"],
      ["upload-vocals", "has_vocals"],
    ] as const) {
      setFault(f, "upload-check-status", fault, { times: 1 });
      const { clipId, operationId, last } = await uploadAndCheck(f, bytes, `${fault}.wav`);
      f.ok(
        "upload-check-status",
        last?.status === "complete" && last?.[flag] === true,
        `${fault}: ended ${preview(last)} — fact: ${U.CHECK_FACT}`,
      );
      if (fault !== "upload-vocals") continue;
      const removed = await api("POST", U.removeVocalsPath(clipId), { operation_id: operationId });
      f.shape("remove-vocals", "body", removed.json, U.REMOVE_VOCALS_ANSWER);
      f.ok(
        "remove-vocals",
        removed.json?.clip_id && removed.json.clip_id !== clipId,
        `answered ${preview(removed.json)} — fact: ${U.VOCALS_FACT}`,
      );
      const confirm = await api("POST", U.confirmPath(clipId), {
        operation_id: operationId,
        has_vocals: true,
        has_cid_match: false,
        has_minor_vocals: false,
      });
      f.ok("confirm", confirm.status === 200, `confirm answered HTTP ${confirm.status} — fact: ${U.VOCALS_FACT}`);
    }
    const stats = site.stats.flow;
    f.ok(
      "upload-audio",
      stats.uploads >= 3 && stats.vocalRemovals >= 1 && stats.uploadConfirms >= 1,
      `counters ${preview({ uploads: stats.uploads, removals: stats.vocalRemovals })}`,
    );
    f.done();
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Image (§A "Operations beyond a new song" → Image / video)
// ---------------------------------------------------------------------------------------------------------------

describe("flow-2026 simulator against §A Image", () => {
  it("image__create_image → { image_url }: a jpg on public storage, fetched without cookies", {
    timeout: TEST_MS,
  }, async () => {
    const f = new Findings();
    const made: string[] = [];
    for (const aspect of I.IMAGE_ASPECTS) {
      const answer = await runOperationTool(f, "tool image__create_image", "image__create_image", {
        prompt: `a cover for a song, ${aspect}`,
        aspect_ratio: aspect,
        image_urls: null,
      });
      f.shape("tool image__create_image", "tool-return content", answer.content, I.IMAGE_RETURN);
      const url = String(answer.content?.image_url ?? "");
      const response = await fetch(url);
      const bytes = Buffer.from(await response.arrayBuffer());
      f.ok(
        "image storage",
        response.status === 200,
        `${url} answered HTTP ${response.status} — fact: ${I.IMAGE_FILE.fact}`,
      );
      f.ok(
        "image storage",
        I.IMAGE_FILE.magic.every((byte, index) => bytes[index] === byte),
        `${url} is not a jpg (first bytes ${bytes.subarray(0, 4).toString("hex")}) — fact: ${I.IMAGE_FILE.fact}`,
      );
      made.push(bytes.toString("hex"));
    }
    f.ok("image storage", new Set(made).size === made.length, "two images were the same bytes");
    const refused = await runOperationTool(f, "tool image__create_image", "image__create_image", {
      prompt: "x",
      aspect_ratio: "4:3",
      image_urls: null,
    });
    f.ok(
      "tool image__create_image",
      refused.error?.type === "tool_call_failure",
      `an aspect_ratio outside the facts answered ${preview(refused)}`,
    );
    f.ok(
      "tool image__create_image",
      (site.stats.flow.toolRuns.image__create_image ?? 0) >= 3,
      `toolRuns.image__create_image = ${site.stats.flow.toolRuns.image__create_image}`,
    );
    f.done();
  });
});

describe("flow-2026 simulator against §A Library", () => {
  it("PATCH /clips/<id> renames and sets privacy; POST /clips/delete; conversations listed, counted, deleted", {
    timeout: TEST_MS,
  }, async () => {
    const f = new Findings();
    const before = { ...site.stats.flow.library };
    const conversationId = await newConversation(f);
    if (!conversationId) return f.done();
    const jobId = await requestSong(f, LB.CLIP_PATCH.path, conversationId, "Tidy me");
    const rets = jobId ? (await readTake(f, jobId)).rets : [];
    const clipId = rets.map((ret) => ret.content?.clip_id).find((id) => typeof id === "string");
    if (!clipId) return f.done();
    const looked = await api("POST", "/__api/clips", { clip_ids: [clipId] });
    const fresh = looked.json?.clips?.[clipId];
    f.ok(
      LB.CLIP_PATCH.path,
      fresh?.privacy === LB.CLIP_PATCH.newSongPrivacy,
      `a new song's privacy ${preview(fresh?.privacy)} — fact: ${LB.CLIP_PATCH.fact}`,
    );
    const renamed = await api("PATCH", `/__api/clips/${clipId}`, { title: "Tidied" });
    f.ok(
      LB.CLIP_PATCH.path,
      renamed.status === LB.CLIP_PATCH.status,
      `rename answered HTTP ${renamed.status} ${renamed.text.slice(0, 200)}`,
    );
    f.shape(LB.CLIP_PATCH.path, "rename body", renamed.json, LB.CLIP_PATCH.body);
    f.ok(
      LB.CLIP_PATCH.path,
      renamed.json?.clip?.title === "Tidied",
      `renamed clip's title ${preview(renamed.json?.clip?.title)}`,
    );
    for (const privacy of LB.PRIVACY) {
      const changed = await api("PATCH", `/__api/clips/${clipId}`, { privacy });
      f.shape(LB.CLIP_PATCH.path, `privacy ${privacy} body`, changed.json, LB.CLIP_PATCH.body);
      f.ok(
        LB.CLIP_PATCH.path,
        changed.json?.clip?.privacy === privacy,
        `privacy ${privacy} answered ${preview(changed.json?.clip?.privacy)}`,
      );
      const shown = await api(
        "GET",
        `/__api/clips/user/${encodeURIComponent(userId)}?limit=100&offset=0&public_only=true`,
      );
      const listed = (shown.json?.clips ?? []).some((clip: Json) => clip?.id === clipId);
      f.ok(EP.listUser, listed === (privacy === "public"), `a ${privacy} song listed with public_only=true: ${listed}`);
    }
    const listed = await api("GET", "/__api/conversations?limit=100&offset=0");
    f.ok(
      LB.CONVERSATIONS.path,
      Array.isArray(listed.json),
      `answered ${preview(listed.json)} — fact: ${LB.CONVERSATIONS.fact}`,
    );
    const rows: Json[] = Array.isArray(listed.json) ? listed.json : [];
    for (const row of rows) f.shape(LB.CONVERSATIONS.path, "conversation", row, LB.CONVERSATIONS.item);
    f.ok(
      LB.CONVERSATIONS.path,
      rows.some((row) => row?.id === conversationId),
      "the new conversation is not listed",
    );
    const counted = await api("GET", `/__api/conversations/${conversationId}/clip_count`);
    f.shape(LB.CONVERSATION_CLIP_COUNT.path, "body", counted.json, LB.CONVERSATION_CLIP_COUNT.body);
    f.ok(
      LB.CONVERSATION_CLIP_COUNT.path,
      counted.json?.clip_count >= 1,
      `clip_count ${preview(counted.json)} after a song in it`,
    );
    const deleted = await api("POST", "/__api/clips/delete", { clip_ids: [clipId] });
    f.ok(
      LB.CLIPS_DELETE.path,
      deleted.status === LB.CLIPS_DELETE.status,
      `answered HTTP ${deleted.status} — fact: ${LB.CLIPS_DELETE.fact}`,
    );
    const library = await api("GET", "/__api/clips/auth-user?limit=100&offset=0&filter=generations");
    const ids = (Array.isArray(library.json?.clips) ? library.json.clips : []).map((clip: Json) => clip.id);
    f.ok(LB.CLIPS_DELETE.path, !ids.includes(clipId), "a deleted clip is still listed");
    const after = await api("POST", "/__api/clips", { clip_ids: [clipId] });
    const gone = after.json?.clips?.[clipId];
    f.ok(LB.CLIPS_DELETE.path, !gone || gone.deleted_at !== null, `a deleted clip reads ${preview(gone)}`);
    const dropped = await api("DELETE", `/__api/conversations/${conversationId}`, {});
    f.ok(
      LB.CONVERSATION_DELETE.path,
      dropped.status === LB.CONVERSATION_DELETE.status,
      `answered HTTP ${dropped.status}`,
    );
    f.ok(
      LB.CONVERSATION_DELETE.path,
      !site.flowConversations().includes(conversationId),
      "the conversation still exists",
    );
    const { library: now } = site.stats.flow;
    f.ok("library counters", now.renames - before.renames === 1, `renames ${now.renames - before.renames}`);
    f.ok(
      "library counters",
      now.privacyChanges - before.privacyChanges === 3,
      `privacy ${now.privacyChanges - before.privacyChanges}`,
    );
    f.ok("library counters", now.deletes - before.deletes === 1, `deletes ${now.deletes - before.deletes}`);
    f.ok("library counters", now.conversationsDeleted - before.conversationsDeleted === 1, "conversations deleted");
    f.done();
  });
});
