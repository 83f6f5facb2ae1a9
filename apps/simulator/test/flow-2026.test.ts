import { withSettings } from "@producer/test-utils";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FLOW_COOKIE_BASE, start, type RunningSimulator } from "../src/index.js";

// The 2026 app's answers, asked as the page asks them: shapes, streams, limits, login refresh, storage.

let site: RunningSimulator;
let headers: Record<string, string>;
let conversationId: string;
const DEFAULTS = {
  generationMs: 0,
  toolReturnDelayMs: 50,
  songPairs: "one-operation",
  songsPerGeneration: 2,
  streamParts: "both",
  toolReturnContent: "object",
  statusExtras: false,
  wavDelayMs: 0,
  refreshReuseSecs: 10,
} as const;

beforeAll(async () => {
  site = await start({ ...DEFAULTS });
});
afterAll(() => site.close());
beforeEach(async () => {
  site.faults.clear();
  site.resetStats();
  site.setCredits(500);
  Object.assign(site.settings, DEFAULTS);
  headers = {
    authorization: `Bearer ${sessionOf(site.issueSession()).access_token}`,
    "content-type": "application/json",
  };
  conversationId = (
    (await (await api("/__api/conversation/create", { body: { project_id: null } })).json()) as {
      conversation_id: string;
    }
  ).conversation_id;
});

type State = ReturnType<RunningSimulator["issueSession"]>;
type Session = {
  access_token: string;
  refresh_token: string;
  expires_at: number;
  expires_in: number;
  user: { id: string; email: string };
  provider_token?: string;
};
const sessionOf = (state: State): Session =>
  JSON.parse(
    Buffer.from(
      state.cookies
        .map((cookie) => cookie.value)
        .join("")
        .slice("base64-".length),
      "base64url",
    ).toString(),
  ) as Session;
const cookieHeader = (state: State) => state.cookies.map((cookie) => `${cookie.name}=${cookie.value}`).join("; ");

const api = (path: string, init: { body?: unknown; headers?: Record<string, string>; method?: string } = {}) =>
  fetch(site.url + path, {
    method: init.method ?? (init.body === undefined ? "GET" : "POST"),
    headers: init.headers ?? headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    redirect: "manual",
  });
const json = async <T = Record<string, unknown>>(response: Response | Promise<Response>) =>
  (await (await response).json()) as T;

/** The tool call the web form sends. */
const createSong = (
  args: { sound_prompt: string; lyrics?: string; title?: string; seed?: number },
  model = "Lyria 3.5",
) =>
  api("/__api/producer/tool-call", {
    body: {
      conversation_id: conversationId,
      part: {
        tool_name: "audio__create_song",
        args: {
          sound_prompt: args.sound_prompt,
          lyrics_id: args.lyrics ? "lyr-1" : null,
          title: args.title ?? null,
          seed: args.seed ?? null,
          image_id: null,
        },
        part_kind: "tool-call",
        tool_call_id: "call_test",
      },
      client_context: { selected_model: model, lyrics_id_map: args.lyrics ? { "lyr-1": args.lyrics } : {} },
    },
  });

interface SseEvent {
  event: string;
  id: string;
  data: Record<string, unknown>;
}
/** Reads a stream's events until `stop` says so, or the stream ends, or `ms` pass; says whether it ended. */
async function readEvents(
  jobId: string,
  options: { lastId?: number; ms?: number; stop?: (events: SseEvent[]) => boolean } = {},
) {
  const response = await api(`/__api/messages/${jobId}/stream?last_id=${options.lastId ?? 0}`);
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const events: SseEvent[] = [];
  let text = "";
  let ended = false;
  const until = Date.now() + (options.ms ?? 3000);
  while (Date.now() < until && !options.stop?.(events)) {
    const next = await Promise.race([
      reader.read(),
      new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), Math.max(1, until - Date.now()))),
    ]);
    if (!next) break;
    if (next.done) {
      ended = true;
      break;
    }
    text += new TextDecoder().decode(next.value);
    let at: number;
    while ((at = text.indexOf("\n\n")) >= 0) {
      const block = text.slice(0, at);
      text = text.slice(at + 2);
      const field = (name: string) =>
        block
          .split("\n")
          .find((line) => line.startsWith(`${name}: `))
          ?.slice(name.length + 2);
      const data = field("data");
      if (data !== undefined)
        events.push({
          event: field("event") ?? "message",
          id: field("id") ?? "",
          data: JSON.parse(data) as Record<string, unknown>,
        });
    }
  }
  await reader.cancel().catch(() => undefined);
  return { events, ended };
}
const toolReturns = (events: SseEvent[]) =>
  events.flatMap((event) => {
    const parts =
      event.event === "part" ? [event.data.part] : event.event === "message" ? (event.data.parts as unknown[]) : [];
    return (parts as Array<Record<string, unknown>>)
      .filter((part) => part.part_kind === "tool-return")
      .map((part) => ({ via: event.event, part }));
  });
const contentOf = (part: Record<string, unknown>) =>
  (typeof part.content === "string" ? JSON.parse(part.content) : part.content) as {
    status: string;
    operation_id: string;
    clip_id: string;
    clip_id_b?: string;
    a_b_test_id?: string;
    estimated_time: number;
    stems?: Array<{ stem_type: string; clip_id: string }>;
  };

async function generate(args: Parameters<typeof createSong>[0] = { sound_prompt: "lofi" }) {
  const { job_id: jobId } = await json<{ job_id: string }>(createSong(args));
  const { events } = await readEvents(jobId, { stop: (seen) => seen.some((event) => event.event === "final") });
  return { jobId, events, content: contentOf((toolReturns(events)[0] as { part: Record<string, unknown> }).part) };
}
const clipsOf = async (ids: string[]) =>
  (await json<{ clips: Record<string, Record<string, any>> }>(api("/__api/clips", { body: { clip_ids: ids } }))).clips;

describe("the 2026 app's login", () => {
  it("keeps the session in chunked sb-sb-auth-token.N cookies the page can read", () => {
    const state = site.issueSession();
    expect(FLOW_COOKIE_BASE).toBe("sb-sb-auth-token");
    expect(state.cookies.length).toBeGreaterThanOrEqual(2);
    expect(state.cookies.map((cookie) => cookie.name)).toEqual(
      state.cookies.map((_, index) => `sb-sb-auth-token.${index}`),
    );
    expect(state.cookies.every((cookie) => !cookie.httpOnly && cookie.value.length <= 3180)).toBe(true);
    const session = sessionOf(state);
    expect(Object.keys(session)).toEqual([
      "access_token",
      "token_type",
      "expires_in",
      "expires_at",
      "refresh_token",
      "user",
      "provider_token",
    ]);
    expect(session.expires_at - Date.now() / 1000).toBeGreaterThan(3500);
    expect(session.user).toMatchObject({ id: site.userId(), email: "producer@example.test" });
  });

  it("refreshes an expired access token on a page load, and sends a dead login to /login", async () => {
    const expired = site.issueSession(undefined, { ttlSecs: -60 });
    expect(
      (await api("/__api/billing/credits", { headers: { authorization: `Bearer ${sessionOf(expired).access_token}` } }))
        .status,
    ).toBe(401);
    const page = await api("/session", { headers: { cookie: cookieHeader(expired) } });
    expect(page.status).toBe(200);
    const setCookies = page.headers.getSetCookie();
    expect(setCookies.some((line) => line.startsWith("sb-sb-auth-token.0=base64-"))).toBe(true);
    expect(site.stats.flow.refreshes).toEqual({ granted: 1, refused: 0 });
    expect(site.liveRefreshTokens()).not.toContain(sessionOf(expired).refresh_token);

    const dead = site.issueSession(undefined, { ttlSecs: -60, refreshTokenDead: true });
    const refused = await api("/library/my-songs", { headers: { cookie: cookieHeader(dead) } });
    expect(refused.status).toBe(302);
    expect(refused.headers.get("location")).toBe("/login?next=%2Flibrary%2Fmy-songs");
    expect(await (await api("/login", { headers: {} })).text()).toContain("Continue with Google");
    const live = site.issueSession();
    site.expireSessions();
    expect((await api("/session", { headers: { cookie: cookieHeader(live) } })).status).toBe(302);
  });

  it("rotates the refresh token: the old one works only inside the reuse window, with the same new pair", async () => {
    const first = sessionOf(site.issueSession());
    const refresh = (token: string) =>
      api("/auth/v1/token?grant_type=refresh_token", {
        body: { refresh_token: token },
        headers: { "content-type": "application/json" },
      });
    const renewed = await json<Session>(refresh(first.refresh_token));
    expect(renewed.refresh_token).not.toBe(first.refresh_token);
    expect(renewed.access_token).not.toBe(first.access_token);
    expect(renewed.user.email).toBe("producer@example.test");
    expect(renewed.expires_at).toBeGreaterThan(Date.now() / 1000 + 3500);
    expect(await json<Session>(refresh(first.refresh_token))).toMatchObject({
      refresh_token: renewed.refresh_token,
      access_token: renewed.access_token,
    });
    expect(site.liveRefreshTokens()).toContain(renewed.refresh_token);
    site.settings.refreshReuseSecs = 0;
    await new Promise((resolve) => setTimeout(resolve, 20));
    const refused = await refresh(first.refresh_token);
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({
      error: "invalid_grant",
      error_description: "Invalid Refresh Token: Already Used",
    });
    // Reuse past the window revokes the whole session: the successor and its access token are dead too.
    expect(site.stats.flow.revokedSessions).toBe(1);
    expect(site.liveRefreshTokens()).not.toContain(renewed.refresh_token);
    const successor = await refresh(renewed.refresh_token);
    expect(await successor.json()).toMatchObject({ error_description: "Invalid Refresh Token: Already Used" });
    expect(
      (await api("/__api/billing/credits", { headers: { authorization: `Bearer ${renewed.access_token}` } })).status,
    ).toBe(401);
    expect(site.stats.flow.revokedSessions).toBe(1);
    expect(site.stats.flow.refreshes).toEqual({ granted: 2, refused: 2 });
  });

  it("ends a login on sign-out, an expiry or a revocation: its refresh token is then not found", async () => {
    const refresh = (token: string) =>
      api("/auth/v1/token?grant_type=refresh_token", {
        body: { refresh_token: token },
        headers: { "content-type": "application/json" },
      });
    const notFound = { error: "invalid_grant", error_description: "Invalid Refresh Token: Refresh Token Not Found" };
    const signedOut = site.issueSession();
    expect((await api("/auth/sign-out", { headers: { cookie: cookieHeader(signedOut) } })).status).toBe(302);
    expect(await (await refresh(sessionOf(signedOut).refresh_token)).json()).toEqual(notFound);
    const revoked = sessionOf(site.issueSession());
    site.revokeRefreshTokens();
    expect(await (await refresh(revoked.refresh_token)).json()).toEqual(notFound);
    const expired = sessionOf(site.issueSession());
    site.expireSessions();
    expect(await (await refresh(expired.refresh_token)).json()).toEqual(notFound);
    site.faults.set("refresh-fails", { times: 1 });
    expect(await (await refresh(sessionOf(site.issueSession()).refresh_token)).json()).toEqual(notFound);
    expect(await (await refresh("never-issued")).json()).toEqual(notFound);
    expect(site.stats.flow.revokedSessions).toBe(0);
  });
});

describe("the 2026 app's generation API", () => {
  it("answers credits and models in their shapes", async () => {
    expect(await json(api("/__api/billing/credits"))).toEqual({
      data: { credits_remaining: 500, tokens_remaining: 0, subscription_tier: "pro" },
    });
    expect(await json(api("/__api/models"))).toEqual({
      models: [
        { public_name: "Lyria 3.5", is_default: true },
        { public_name: "Lyria 3 Pro", is_default: false },
      ],
    });
  });

  it("lists a newer site's models too, takes one by its public name, and refuses a model it does not list", async () => {
    site.settings.newModels = ["Lyria 4"];
    try {
      const { models } = await json<{ models: Array<{ public_name: string }> }>(api("/__api/models"));
      expect(models.map((model) => model.public_name)).toEqual(["Lyria 3.5", "Lyria 3 Pro", "Lyria 4"]);
      const { content } = await generate();
      expect(content.clip_id).toEqual(expect.any(String));
      const taken = await createSong({ sound_prompt: "new model" }, "Lyria 4");
      expect(taken.status).toBe(200);
      const chat = (model: string) =>
        api("/__api/conversation", {
          body: {
            conversation_id: conversationId,
            parts: [{ content: "a waltz", part_kind: "user-prompt" }],
            client_context: { selected_model: model },
          },
        });
      expect((await chat("Lyria 9")).status).toBe(422);
      const { job_id: jobId } = await json<{ job_id: string }>(chat("Lyria 3 Pro"));
      const { events } = await readEvents(jobId, { ms: 1500 });
      const made = contentOf((toolReturns(events)[0] as { part: Record<string, unknown> }).part);
      // The chat's song is made with the model the chat asked for.
      expect(site.flowClips().find((clip) => clip.id === made.clip_id)?.model).toBe("Lyria 3 Pro");
      expect(site.stats.flow.chatMessages).toEqual(["a waltz"]);
    } finally {
      site.settings.newModels = [];
    }
    expect((await createSong({ sound_prompt: "gone" }, "Lyria 4")).status).toBe(422);
  });

  it("takes the tool call, gives the ids only on its stream, and settles the clips", async () => {
    const { job_id: jobId, ...rest } = await json<{ job_id: string }>(
      createSong(
        { sound_prompt: "lofi, 96 bpm", lyrics: "la la\n[End - 1:05]", title: "Shape", seed: 3 },
        "Lyria 3 Pro",
      ),
    );
    expect(rest).toEqual({});
    const { events, ended } = await readEvents(jobId);
    expect(ended).toBe(true);
    expect(events.map((event) => event.event)).toEqual([
      "begin",
      "conversation_id",
      "part",
      "part",
      "part",
      "message",
      "complete",
      "final",
    ]);
    expect(events[3]?.data).toEqual({
      status: "final",
      part: {
        part_kind: "tool-call",
        tool_name: "audio__create_song",
        args: { sound_prompt: "lofi, 96 bpm", lyrics_id: "lyr-1", title: "Shape", seed: 3, image_id: null },
        tool_call_id: "call_test",
      },
    });
    const returns = toolReturns(events);
    expect(returns.map((entry) => entry.via)).toEqual(["part", "message"]);
    const content = contentOf((returns[0] as { part: Record<string, unknown> }).part);
    expect(Object.keys(content).sort()).toEqual(["clip_id", "clip_id_b", "estimated_time", "operation_id", "status"]);
    const status = await json(api(`/__api/audio-create-song-status/${content.operation_id}`));
    expect(status).toEqual({ status: "complete" });
    const clips = await clipsOf([content.clip_id, content.clip_id_b as string]);
    const clip = clips[content.clip_id] as Record<string, any>;
    expect(clip).toMatchObject({
      title: "Shape",
      op_id: content.operation_id,
      op_type: "audio__create_song",
      duration: { status: "completed", value: "65.0" },
      lyrics: { value: { id: "lyr-1", text: "la la\n[End - 1:05]" } },
      operation: { sound_prompt: "lofi, 96 bpm", seed: 3 },
      deleted_at: null,
      privacy: "unlisted",
    });
    expect(clip.audio_url).toBe(`${site.storageUrl}/clips/${content.clip_id}.m4a`);
    expect(clip.wav_url).toBe(`${site.storageUrl}/clips/${content.clip_id}.wav`);
    expect(site.stats.flow.composeRequests[0]).toMatchObject({
      soundPrompt: "lofi, 96 bpm",
      lyrics: "la la\n[End - 1:05]",
      title: "Shape",
      seed: 3,
      selectedModel: "Lyria 3 Pro",
    });
    expect(site.credits()).toBe(490);
    expect(site.stats.flow).toMatchObject({
      generationCalls: { "producer@example.test": 1 },
      generationsStarted: { "producer@example.test": 1 },
      creditsCharged: 10,
      streamReaders: 1,
      clipsLookups: 1,
    });
  });

  it("shows pending clips while generating, and the tool-return only after its delay", async () => {
    site.settings.generationMs = 60_000;
    site.settings.toolReturnDelayMs = 400;
    const { job_id: jobId } = await json<{ job_id: string }>(createSong({ sound_prompt: "slow" }));
    const early = await readEvents(jobId, { ms: 200 });
    expect(toolReturns(early.events)).toEqual([]);
    const { events } = await readEvents(jobId, { stop: (seen) => toolReturns(seen).length > 0 });
    const content = contentOf((toolReturns(events)[0] as { part: Record<string, unknown> }).part);
    expect(await json(api(`/__api/audio-create-song-status/${content.operation_id}`))).toEqual({ status: "running" });
    site.settings.statusExtras = true;
    expect(await json(api(`/__api/audio-create-song-status/${content.operation_id}`))).toMatchObject({
      status: "running",
      clip_ids: [content.clip_id, content.clip_id_b],
    });
    const clip = (await clipsOf([content.clip_id]))[content.clip_id] as Record<string, any>;
    expect(clip).toMatchObject({ audio_url: null, duration: { status: "pending" } });
  });

  it("serves the stream's shapes as set, and replays it to a late reader", async () => {
    site.settings.streamParts = "message";
    site.settings.toolReturnContent = "string";
    const { jobId, events } = await generate();
    const returns = toolReturns(events);
    expect(returns.map((entry) => entry.via)).toEqual(["message"]);
    expect(typeof (returns[0]?.part as { content: unknown } | undefined)?.content).toBe("string");
    const replay = await readEvents(jobId);
    expect(replay.events).toEqual(events);
    const tail = await readEvents(jobId, { lastId: 5 });
    expect(tail.events.map((event) => event.event)).toEqual(["complete", "final"]);
    site.settings.streamParts = "part";
    expect(toolReturns((await generate()).events).map((entry) => entry.via)).toEqual(["part"]);
  });

  it("pairs songs as an A/B test of two operations, or makes one song", async () => {
    site.settings.songPairs = "ab-test";
    const { content } = await generate();
    expect(content.a_b_test_id).toEqual(expect.any(String));
    const clips = await clipsOf([content.clip_id, content.clip_id_b as string]);
    expect(clips[content.clip_id]?.op_id).toBe(content.operation_id);
    const otherOp = clips[content.clip_id_b as string]?.op_id as string;
    expect(otherOp).not.toBe(content.operation_id);
    expect(await json(api(`/__api/audio-create-song-status/${otherOp}`))).toEqual({ status: "complete" });
    site.settings.songsPerGeneration = 1;
    const single = await generate();
    expect(single.content.clip_id_b).toBeUndefined();
    expect(site.credits()).toBe(500 - 10 - 5);
  });

  it("keeps a chat's stream open after its song's tool-return", async () => {
    const { job_id: jobId } = await json<{ job_id: string }>(
      api("/__api/conversation", {
        body: {
          conversation_id: conversationId,
          parts: [{ content: "a sea shanty", part_kind: "user-prompt" }],
          client_context: { selected_model: "Lyria 3.5" },
          model_name: "Lyria 3.5",
          mode: "standard",
        },
      }),
    );
    const { events, ended } = await readEvents(jobId, { ms: 1500 });
    expect(ended).toBe(false);
    expect(
      events.some((event) => event.event === "part" && (event.data as { status: string }).status === "delta"),
    ).toBe(true);
    expect(contentOf((toolReturns(events)[0] as { part: Record<string, unknown> }).part).clip_id).toEqual(
      expect.any(String),
    );
    expect(site.stats.flow.chatMessages).toEqual(["a sea shanty"]);
    expect(site.stats.flow.generationCalls).toEqual({ "producer@example.test": 1 });
  });

  it("counts a chat about a song of the library, and fails the agent's call on a song the account lacks", async () => {
    const { content: made } = await generate();
    const ask = (clipId: string) =>
      json<{ job_id: string }>(
        api("/__api/conversation", {
          body: {
            conversation_id: conversationId,
            parts: [
              {
                content: "Make a song with my uploaded audio as the reference track. Sound: dub",
                part_kind: "user-prompt",
              },
            ],
            client_context: { current_song_id: clipId, song_queue: [{ id: clipId }], selected_model: "Lyria 3.5" },
            model_name: null,
            mode: "standard",
          },
        }),
      );
    const credits = site.credits();
    const { job_id: jobId } = await ask(made.clip_id as string);
    const { events } = await readEvents(jobId, { ms: 1500 });
    const returned = contentOf((toolReturns(events)[0] as { part: Record<string, unknown> }).part);
    expect(returned.clip_id).toEqual(expect.any(String));
    expect(returned.clip_id).not.toBe(made.clip_id);
    expect(site.credits()).toBeLessThan(credits);
    const missing = await ask("no-such-clip");
    const failed = await readEvents(missing.job_id, { ms: 1500 });
    const error = failed.events.find((event) => event.event === "error")?.data as { type?: string } | undefined;
    expect(error?.type).toBe("tool_call_failure");
    expect(toolReturns(failed.events)).toEqual([]);
    expect(site.stats.flow.chatsAboutSongs.map((chat) => [chat.clipId, chat.songQueue])).toEqual([
      [made.clip_id, [made.clip_id]],
      ["no-such-clip", ["no-such-clip"]],
    ]);
  });

  it("answers 429 busy (not taken) and 402 out of credits (taken, not charged)", async () => {
    site.faults.set("busy", { times: 1 });
    const busy = await createSong({ sound_prompt: "x" });
    expect(busy.status).toBe(429);
    expect(busy.headers.get("retry-after")).toBe("5");
    expect(await busy.text()).toContain("Producer is busy helping others");
    site.setCredits(9);
    const poor = await createSong({ sound_prompt: "x" });
    expect(poor.status).toBe(402);
    expect(await poor.text()).toMatch(/Not enough credits|You're out of credits/);
    site.setCredits(500);
    site.faults.set("quota-exhausted", { times: 1 });
    expect((await createSong({ sound_prompt: "x" })).status).toBe(402);
    expect(site.stats.flow).toMatchObject({
      busyRefusals: 1,
      refusedForCredits: 2,
      generationCalls: { "producer@example.test": 2 },
      generationsStarted: {},
      creditsCharged: 0,
    });
  });

  it("injects no-start, stream-error, song-failed and reply-lost", async () => {
    site.faults.set("no-start", { times: 1 });
    const stuck = await json<{ job_id: string }>(createSong({ sound_prompt: "stuck" }));
    const stuckStream = await readEvents(stuck.job_id, { ms: 500 });
    expect(stuckStream.ended).toBe(false);
    expect(toolReturns(stuckStream.events)).toEqual([]);
    site.faults.set("stream-error", { times: 1 });
    const flagged = await json<{ job_id: string }>(createSong({ sound_prompt: "flagged" }));
    const flaggedStream = await readEvents(flagged.job_id);
    expect(flaggedStream.events.find((event) => event.event === "error")?.data).toMatchObject({
      type: "moderation",
      message: expect.any(String),
      raw_error: expect.any(String),
    });
    expect(toolReturns(flaggedStream.events)).toEqual([]);
    expect(site.credits()).toBe(500);
    site.faults.set("song-failed", { times: 1 });
    const { content } = await generate({ sound_prompt: "bad" });
    expect(await json(api(`/__api/audio-create-song-status/${content.operation_id}`))).toMatchObject({
      status: "failed",
      error_type: expect.any(String),
      error_message: expect.any(String),
    });
    expect((await clipsOf([content.clip_id]))[content.clip_id]).toMatchObject({
      audio_url: null,
      duration: { status: "failed" },
    });
    site.faults.set("reply-lost", { times: 1 });
    await expect(createSong({ sound_prompt: "lost" }).then((response) => response.json())).rejects.toThrow();
    expect(site.stats.flow.generationsStarted).toEqual({ "producer@example.test": 2 });
  });

  it("tells a failed song each way the facts allow: status and fields, either alone, or deleted_at", async () => {
    const failedTake = (settings: Partial<typeof site.settings>) =>
      withSettings(site.settings, settings, async () => {
        site.faults.set("song-failed", { times: 1 });
        const { content } = await generate({ sound_prompt: `bad ${JSON.stringify(settings)}` });
        const status = await json(api(`/__api/audio-create-song-status/${content.operation_id}`));
        return { status, clip: (await clipsOf([content.clip_id]))[content.clip_id] as Record<string, any> };
      });
    const statusOnly = await failedTake({ statusFailure: "status" });
    expect(statusOnly.status).toEqual({ status: "failed" });
    const fieldsOnly = await failedTake({ statusFailure: "fields" });
    expect(fieldsOnly.status).toEqual({
      status: "complete",
      error_type: expect.any(String),
      error_message: expect.any(String),
    });
    const deleted = await failedTake({ clipFailure: "deleted" });
    expect(deleted.clip).toMatchObject({ audio_url: null, duration: { status: "completed" } });
    expect(Date.parse(deleted.clip.deleted_at)).toBeGreaterThan(0);
  });

  it("splits stems for free into four clips of the song", async () => {
    const { content } = await generate({ sound_prompt: "parent", title: "Parent" });
    const { job_id: jobId } = await json<{ job_id: string }>(
      api("/__api/producer/tool-call", {
        body: {
          conversation_id: conversationId,
          part: {
            tool_name: "audio__split_stems",
            args: { clip_id: content.clip_id },
            part_kind: "tool-call",
            tool_call_id: "call_stems",
          },
          client_context: {},
        },
      }),
    );
    const { events } = await readEvents(jobId);
    const stems = contentOf((toolReturns(events)[0] as { part: Record<string, unknown> }).part).stems ?? [];
    expect(stems.map((stem) => stem.stem_type)).toEqual(["vocals", "drums", "bass", "other"]);
    const clips = await clipsOf(stems.map((stem) => stem.clip_id));
    expect(clips[stems[0]?.clip_id as string]).toMatchObject({
      title: "Parent - vocals",
      op_type: "audio__split_stems",
      operation: { source_clip_id: content.clip_id },
      duration: { status: "completed" },
    });
    expect(site.credits()).toBe(490);
    expect(site.stats.flow.stemSplits).toBe(1);
    expect(site.flowClips().filter((clip) => clip.parentId === content.clip_id)).toHaveLength(4);
  });

  it("lists the library under `clips`, newest first and paged", async () => {
    site.seedLibrary(undefined, 120);
    const { content } = await generate({ sound_prompt: "newest", title: "Newest" });
    const first = await json<{ clips: Array<{ id: string; title: string }> }>(
      api("/__api/clips/auth-user?limit=50&offset=0&filter=generations"),
    );
    expect(Object.keys(first)).toEqual(["clips"]);
    expect(first.clips).toHaveLength(50);
    expect(first.clips[0]?.title).toBe("Newest");
    const byUser = await json<{ clips: Array<{ id: string }> }>(
      api(`/__api/clips/user/${site.userId()}?limit=10&offset=2&public_only=false`),
    );
    expect(byUser.clips.map((clip) => clip.id)).toEqual(first.clips.slice(2, 12).map((clip) => clip.id));
    expect(first.clips.map((clip) => clip.id)).toContain(content.clip_id_b);
    expect(site.stats.flow.libraryListings).toBe(2);
  });
});

describe("the 2026 app's audio", () => {
  it("serves the links from a public storage origin, the wav only after a while", async () => {
    // Long enough that a loaded machine still asks for the wav inside it (the m4a below is made on first fetch).
    site.settings.wavDelayMs = 1500;
    const { content } = await generate();
    const clip = (await clipsOf([content.clip_id]))[content.clip_id] as { audio_url: string; wav_url: string };
    expect((await fetch(clip.wav_url)).status).toBe(404);
    expect(new URL(clip.audio_url).origin).not.toBe(site.url);
    const m4a = await fetch(clip.audio_url);
    expect(m4a.headers.get("access-control-allow-origin")).toBe("*");
    expect(m4a.headers.get("access-control-allow-credentials")).toBeNull();
    expect(Buffer.from(await m4a.arrayBuffer()).toString("latin1", 4, 8)).toBe("ftyp");
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const wav = Buffer.from(await (await fetch(clip.wav_url)).arrayBuffer());
    expect(wav.toString("latin1", 0, 4)).toBe("RIFF");
    site.faults.set("wav-missing");
    expect((await fetch(clip.wav_url)).status).toBe(404);
    expect(site.stats.served.map((entry) => entry.via)).toEqual(["storage", "storage"]);
    expect(site.servedSha256(content.clip_id, "wav")).toBe(site.stats.served[1]?.sha256);
  });

  it("transcodes on the download endpoint and zips a batch", async () => {
    const { content } = await generate({ sound_prompt: "dl", title: "Download Me" });
    const mp3 = await api(`/__api/download/audio/${content.clip_id}?format=mp3`);
    expect(mp3.headers.get("content-disposition")).toMatch(/^attachment; filename="Download Me\.mp3"/);
    const bytes = Buffer.from(await mp3.arrayBuffer());
    expect(bytes[0] === 0xff || bytes.toString("latin1", 0, 3) === "ID3").toBe(true);
    expect(site.stats.served.at(-1)).toMatchObject({
      clipId: content.clip_id,
      format: "mp3",
      via: "endpoint",
      sha256: site.servedSha256(content.clip_id, "mp3"),
    });
    expect((await api(`/__api/download/audio/${content.clip_id}?format=wav`, { headers: {} })).status).toBe(401);
    const zip = await api("/__api/batch-download-clip", { body: { clip_ids: [content.clip_id, content.clip_id_b] } });
    expect(zip.headers.get("content-type")).toBe("application/zip");
    expect(Buffer.from(await zip.arrayBuffer()).readUInt32LE(0)).toBe(0x04034b50);
  });
});
