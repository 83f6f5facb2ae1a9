import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AUTH_COOKIE, start, type RunningSimulator } from "../src/index.js";

let site: RunningSimulator;
let cookie: string;
beforeAll(async () => {
  site = await start({ generationMs: 0, replyDelayMs: 0, variant: "producerai-2025" });
});
afterAll(() => site.close());
beforeEach(() => {
  site.faults.clear();
  site.resetStats();
  const state = site.issueSession();
  cookie = `${AUTH_COOKIE}=${state.cookies[0]?.value}`;
});

const get = (path: string, headers: Record<string, string> = { cookie }) =>
  fetch(site.url + path, { headers, redirect: "manual" });
const post = (path: string, body: unknown, headers: Record<string, string> = { cookie }) =>
  fetch(site.url + path, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });

describe("the simulated site", () => {
  it("sends a signed-out visitor to sign-in and serves the composer when signed in", async () => {
    const anonymous = await get("/create", {});
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("location")).toBe("/login?next=%2Fcreate");
    const composer = await get("/create");
    expect(composer.status).toBe(200);
    expect(await composer.text()).toContain('placeholder="Ask Producer..."');
  });

  it("signs in with the configured credentials only, setting a Supabase-style cookie", async () => {
    const form = (email: string, password: string) =>
      fetch(`${site.url}/auth/sign-in`, { method: "POST", body: new URLSearchParams({ email, password }) });
    const refused = await form(site.settings.credentials.email, "wrong");
    expect(refused.status).toBe(401);
    const accepted = await form(site.settings.credentials.email, site.settings.credentials.password);
    expect(accepted.status).toBe(200);
    expect(accepted.headers.get("set-cookie")).toMatch(
      new RegExp(`^${AUTH_COOKIE}=[^;]+; Max-Age=604800; Path=/; HttpOnly; SameSite=Lax`),
    );
    expect(site.stats.signIns).toEqual({ password: 1, oauth: 0, refused: 1 });
  });

  it("generates two songs with varied titles and serves real audio in every format", async () => {
    const { id } = (await (await post("/api/generate", { prompt: "lofi beats" })).json()) as { id: string };
    const state = (await (await get(`/api/generations/${id}`)).json()) as {
      status: string;
      songs: Array<{ id: string; title: string; durationSecs: number; status: string }>;
    };
    expect(state.status).toBe("ready");
    expect(state.songs).toHaveLength(2);
    expect(new Set(state.songs.map((song) => song.title)).size).toBe(2);
    const song = state.songs[0] as { id: string };
    for (const [format, magic] of [
      ["wav", "RIFF"],
      ["mp3", "\u00ff"],
      ["m4a", "ftyp"],
    ] as const) {
      const exported = (await (await post(`/api/songs/${song.id}/export?format=${format}`, {})).json()) as {
        url: string;
      };
      const audio = Buffer.from(await (await get(exported.url)).arrayBuffer());
      const head = format === "m4a" ? audio.toString("latin1", 4, 8) : audio.toString("latin1", 0, magic.length);
      expect(head, format).toBe(magic);
    }
    expect(site.stats.downloads).toEqual({ wav: 1, mp3: 1, m4a: 1 });
  });

  it("answers 401 to the API once sessions expire", async () => {
    site.expireSessions();
    expect((await post("/api/generate", { prompt: "x" })).status).toBe(401);
    expect((await get("/create")).status).toBe(302);
  });

  it("serves faults: challenge, quota, HTTP 500, song without audio — each for as many times as set", async () => {
    site.faults.set("challenge", { times: 1 });
    const challenged = await get("/create");
    expect(challenged.status).toBe(403);
    expect(await challenged.text()).toContain('id="challenge-form"');
    expect((await get("/create")).status).toBe(200);

    site.faults.set("quota-exhausted");
    expect((await post("/api/generate", { prompt: "x" })).status).toBe(402);
    expect((await post("/api/generate", { prompt: "x" })).status).toBe(402);
    site.faults.clear("quota-exhausted");

    site.faults.set("http-500", { times: 1 });
    expect((await get("/create")).status).toBe(500);

    site.faults.set("song-without-audio", { times: 1 });
    const { id } = (await (await post("/api/generate", { prompt: "y" })).json()) as { id: string };
    const state = (await (await get(`/api/generations/${id}`)).json()) as {
      songs: Array<{ status: string; audio_url: string | null }>;
    };
    expect(state.songs.map((song) => song.status)).toEqual(["failed", "ready"]);
    expect(state.songs[0]?.audio_url).toBeNull();
    expect(site.stats).toMatchObject({ challenges: 1, quotaRefusals: 2 });
  });

  it("holds an export forever under download-never, until the client gives up", async () => {
    const { id } = (await (await post("/api/generate", { prompt: "z" })).json()) as { id: string };
    const state = (await (await get(`/api/generations/${id}`)).json()) as { songs: Array<{ id: string }> };
    site.faults.set("download-never");
    const abandoned = await fetch(`${site.url}/api/songs/${state.songs[0]?.id}/export?format=wav`, {
      method: "POST",
      headers: { cookie },
      signal: AbortSignal.timeout(300),
    }).catch((error: Error) => error.name);
    expect(abandoned).toBe("TimeoutError");
  });
});

describe("the admin API", () => {
  it("needs its token and sets faults the page cannot", async () => {
    expect((await fetch(`${site.adminUrl}/faults`)).status).toBe(401);
    expect(new URL(site.adminUrl).port).not.toBe(new URL(site.url).port);
    const headers = { authorization: `Bearer ${site.adminToken}`, "content-type": "application/json" };
    const set = await fetch(`${site.adminUrl}/faults/challenge`, {
      method: "PUT",
      headers,
      body: JSON.stringify({ times: 2 }),
    });
    expect(await set.json()).toEqual({ faults: [{ fault: "challenge", remaining: 2, paths: null }] });
    expect((await fetch(`${site.adminUrl}/faults/nonsense`, { method: "PUT", headers })).status).toBe(400);
    await fetch(`${site.adminUrl}/faults`, { method: "DELETE", headers });
    expect(site.faults.list()).toEqual([]);
    const stats = (await (await fetch(`${site.adminUrl}/stats`, { headers })).json()) as { requests: number };
    expect(stats.requests).toBe(0);
  });
});
