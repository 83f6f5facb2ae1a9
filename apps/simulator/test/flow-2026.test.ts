import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FLOW_COOKIE_BASE, start, type RunningSimulator } from "../src/index.js";

let site: RunningSimulator;
let headers: Record<string, string>;
beforeAll(async () => {
  site = await start({ generationMs: 0 });
});
afterAll(() => site.close());
beforeEach(() => {
  site.faults.clear();
  site.resetStats();
  site.setCredits(500);
  site.settings.generationMs = 0;
  const state = site.issueSession();
  const value = state.cookies.map((cookie) => cookie.value).join("");
  const token = (JSON.parse(Buffer.from(value.slice("base64-".length), "base64url").toString()) as { access_token: string }).access_token;
  headers = { authorization: `Bearer ${token}`, "content-type": "application/json" };
});

const api = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  fetch(site.url + path, {
    method: init.method ?? "GET",
    headers: init.headers ?? headers,
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    redirect: "manual",
  });
const compose = (args: Record<string, unknown>) => api("/__api/producer/tool-call", { method: "POST", body: { tool: "create_song", args } });

describe("the 2026 Flow app", () => {
  it("keeps the login in chunked base64- Supabase cookies with expires_at, and signs out when it has passed", async () => {
    const state = site.issueSession();
    expect(state.cookies.map((cookie) => cookie.name)).toEqual([`${FLOW_COOKIE_BASE}.0`, `${FLOW_COOKIE_BASE}.1`]);
    const json = JSON.parse(Buffer.from(state.cookies.map((cookie) => cookie.value).join("").slice(7), "base64url").toString()) as { expires_at: number };
    expect(json.expires_at).toBeGreaterThan(Date.now() / 1000);
    const cookie = state.cookies.map((entry) => `${entry.name}=${entry.value}`).join("; ");
    expect((await api("/session", { headers: { cookie } })).status).toBe(200);
    const expired = site.issueSession(undefined, { ttlSecs: -60 });
    const old = expired.cookies.map((entry) => `${entry.name}=${entry.value}`).join("; ");
    const page = await api("/session", { headers: { cookie: old } });
    expect(page.status).toBe(302);
    expect(page.headers.get("location")).toBe("/login?next=%2Fsession");
    const login = await (await api("/login", { headers: {} })).text();
    expect(login).toContain("Continue with Google");
  });

  it("serves the studio's named controls and the library's menus", async () => {
    const cookie = site.issueSession().cookies.map((entry) => `${entry.name}=${entry.value}`).join("; ");
    const studio = await (await api("/session", { headers: { cookie } })).text();
    for (const name of ["Toggle compose panel", "Sound description", "Lyrics", "Toggle instrumental mode", "Toggle advanced sound mode", "Expand Details section", "Chat message", "Send message"]) {
      expect(studio).toContain(`aria-label="${name}"`);
    }
    expect(studio).toContain("Add title (optional)");
    await compose({ sound_prompt: "a row", title: "Row Song" });
    const library = await (await api("/library/my-songs", { headers: { cookie } })).text();
    expect(library).toContain('aria-label="Open details for Row Song"');
    expect(library).toContain('aria-label="More options for Row Song"');
  });

  it("charges 5 credits a song, answers 402 when short, and counts generation calls per account", async () => {
    expect(await (await api("/__api/billing/credits")).json()).toMatchObject({ data: { credits_remaining: 500 } });
    const accepted = await compose({ sound_prompt: "lofi", model: "lyria-3-pro", bpm: 90, length: "1:05", seed: 3 });
    expect(accepted.status).toBe(200);
    expect(site.credits()).toBe(490);
    site.setCredits(9);
    const refused = await compose({ sound_prompt: "too poor" });
    expect(refused.status).toBe(402);
    expect(site.stats.flow.generationCalls).toEqual({ "producer@example.test": 2 });
    expect(site.stats.flow.generationsStarted).toEqual({ "producer@example.test": 1 });
    expect(site.stats.flow.composeRequests[0]).toMatchObject({ model: "lyria-3-pro", bpm: 90, length: "1:05", seed: 3 });
  });

  it("names the operation on a stream that never ends, and reports status and clips in the documented shape", async () => {
    const { job_id: jobId } = (await (await compose({ sound_prompt: "shape", title: "Shape" })).json()) as { job_id: string };
    const controller = new AbortController();
    const stream = await api(`/__api/messages/${jobId}/stream?last_id=0`, { headers }).then((response) => response);
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    while (!text.includes("tool_result")) text += new TextDecoder().decode((await reader.read()).value);
    const opId = /"op_id":"([^"]+)"/.exec(text)?.[1] as string;
    // For 1.5 s more the stream only pings: it never ends by itself.
    const until = Date.now() + 1500;
    let ended = false;
    while (Date.now() < until && !ended) {
      const next = await Promise.race([reader.read(), new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), until - Date.now()))]);
      if (next?.done) ended = true;
    }
    expect(ended).toBe(false);
    await reader.cancel();
    controller.abort();
    const status = (await (await api(`/__api/audio-create-song-status/${opId}`)).json()) as { status: string; job_id: string; clip_ids: string[] };
    expect(status).toMatchObject({ status: "completed", job_id: jobId });
    const { clips } = (await (await api("/__api/clips", { method: "POST", body: { clip_ids: status.clip_ids } })).json()) as { clips: Record<string, Record<string, unknown>> };
    const clip = clips[status.clip_ids[0] as string] as Record<string, unknown>;
    expect(clip).toMatchObject({
      title: "Shape",
      op_id: opId,
      op_type: "audio__create_song",
      duration: { status: "completed" },
      operation: { sound_prompt: "shape" },
    });
    expect(clip.audio_url).toMatch(/\/clips\/[0-9a-f-]+\.m4a$/);
    expect(clip.wav_url).toMatch(/\/clips\/[0-9a-f-]+\.wav$/);
    const wav = Buffer.from(await (await api(clip.wav_url as string)).arrayBuffer());
    expect(wav.subarray(0, 4).toString()).toBe("RIFF");
  });

  it("injects no-start and song-failed", async () => {
    site.faults.set("no-start", { times: 1 });
    await compose({ sound_prompt: "stuck" });
    expect(site.stats.flow.generationsStarted).toEqual({});
    expect(site.credits()).toBe(500);
    site.faults.set("song-failed", { times: 1 });
    const { job_id: jobId } = (await (await compose({ sound_prompt: "bad" })).json()) as { job_id: string };
    const recent = (await (await api("/__api/clips/auth-user?limit=10&offset=0&filter=generations")).json()) as { data: Array<{ op_id: string; operation: { sound_prompt: string } }> };
    const opId = recent.data.find((clip) => clip.operation.sound_prompt === "bad")?.op_id as string;
    const status = (await (await api(`/__api/audio-create-song-status/${opId}`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ status: "failed", job_id: jobId, error_type: "content_policy" });
    expect(status.error_message).toMatch(/could not be generated/);
  });
});
