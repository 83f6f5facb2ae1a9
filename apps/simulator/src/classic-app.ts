import { randomUUID, timingSafeEqual } from "node:crypto";
import { Hono, type Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { planSongs, type SimulatedFormat, type SimulatedGeneration } from "./catalog.js";
import { composerPage, errorPage, signInPage, songPage } from "./pages.js";
import { AUTH_COOKIE, type SimulatorState } from "./state.js";
import { DOM_VARIANTS } from "./variants.js";

const FORMATS: readonly SimulatedFormat[] = ["wav", "mp3", "m4a"];
const CONTENT_TYPES: Record<SimulatedFormat, string> = { wav: "audio/wav", mp3: "audio/mpeg", m4a: "audio/mp4" };

/**
 * The 2025 page (`producerai-2025`, and `renamed`, its redesign with every class and label changed): sign-in with a
 * password or OAuth and a single auth cookie, the composer and songs' pages, and the JSON API its script calls.
 */
export function createClassicApp(state: SimulatorState): Hono {
  const app = new Hono();
  addPages(app, state);
  addApi(app, state);
  return app;
}

function addPages(app: Hono, state: SimulatorState): void {
  const { settings } = state;
  const variant = () => DOM_VARIANTS[settings.variant === "renamed" ? "renamed" : "producerai-2025"];
  const requireSignIn = (c: Context) => c.redirect(`/login?next=${encodeURIComponent(c.req.path)}`);
  const setAuthCookie = (c: Context, token: string) =>
    setCookie(c, AUTH_COOKIE, token, {
      path: "/",
      httpOnly: true,
      sameSite: "Lax",
      maxAge: settings.sessionTtlSecs,
    });
  const songOrSignIn = (c: Context) => {
    state.countPageLoad("/song");
    if (!state.signedIn(c)) return requireSignIn(c);
    const song = state.songById(c.req.param("id") ?? "");
    if (!song) return c.html(errorPage(404), 404);
    // A song's own page shows its card, with the same More options menu as in the chat.
    return c.html(
      composerPage(variant(), {
        preload: [
          {
            id: song.id,
            title: song.title,
            durationSecs: song.durationSecs,
            status: song.hasAudio ? "ready" : "failed",
          },
        ],
        bareMenus: settings.menuShape === "inline",
      }),
    );
  };

  app.get("/", (c) => c.redirect("/create"));
  app.get("/login", (c) => {
    state.countPageLoad("/login");
    return c.html(signInPage(variant(), { next: c.req.query("next") ?? "/create" }));
  });
  app.post("/auth/sign-in", async (c) => {
    const form = await c.req.parseBody();
    const { email, password } = settings.credentials;
    const given = { email: String(form.email ?? ""), password: String(form.password ?? "") };
    const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
    if (!same(given.email, email) || !same(given.password, password)) {
      state.stats.signIns.refused += 1;
      return c.json({ error: "Invalid email or password." }, 401);
    }
    state.stats.signIns.password += 1;
    setAuthCookie(c, state.newSession(email).token);
    return c.json({ ok: true });
  });
  app.get("/auth/oauth", (c) => {
    state.stats.signIns.oauth += 1;
    setAuthCookie(c, state.newSession(`${c.req.query("provider") ?? "oauth"}-user@example.test`).token);
    const next = c.req.query("next") ?? "/create";
    return c.redirect(next.startsWith("/") && !next.startsWith("//") ? next : "/create");
  });
  app.get("/auth/sign-out", (c) => {
    deleteCookie(c, AUTH_COOKIE, { path: "/" });
    return c.redirect("/login");
  });
  app.get("/create", (c) => {
    state.countPageLoad("/create");
    if (!state.signedIn(c)) return requireSignIn(c);
    return c.html(
      composerPage(variant(), {
        menusStayOpen: state.faults.isOn("menu-stays-open"),
        bareMenus: settings.menuShape === "inline",
      }),
    );
  });
  app.get("/library/my-songs", (c) => {
    state.countPageLoad("/library/my-songs");
    if (!state.signedIn(c)) return requireSignIn(c);
    const songs = [...state.generations.values()].flatMap((generation) => generation.songs).slice(-20);
    return c.html(songPage(songs.map((song) => song.title).join(", ") || "No songs yet"));
  });
  app.get("/song/:id", (c) => songOrSignIn(c));
  app.get("/track/:id", (c) => songOrSignIn(c));
}

function addApi(app: Hono, state: SimulatorState): void {
  const { settings, faults } = state;
  app.use("/api/*", async (c, next) => {
    if (!state.signedIn(c)) {
      state.stats.unauthorized += 1;
      return c.json({ error: "unauthorized" }, 401);
    }
    await next();
  });
  app.post("/api/generate", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { prompt?: unknown };
    const prompt = typeof body.prompt === "string" ? body.prompt.trim() : "";
    if (!prompt) return c.json({ error: "empty prompt" }, 400);
    if (faults.fire("quota-exhausted")) {
      state.stats.quotaRefusals += 1;
      return c.json({ error: "quota_exhausted" }, 402);
    }
    const now = Date.now();
    const noAudio = faults.fire("song-without-audio");
    const generation: SimulatedGeneration = {
      id: randomUUID(),
      prompt,
      createdAt: now,
      replyAt: faults.fire("reply-never") ? undefined : now + settings.replyDelayMs,
      readyAt: now + settings.generationMs,
      songs: planSongs(prompt, { count: settings.songsPerGeneration, durationSecs: settings.songDurationSecs }).map(
        (song, index) => ({ ...song, hasAudio: !(noAudio && index === 0) }),
      ),
    };
    state.generations.set(generation.id, generation);
    state.stats.generations += 1;
    state.stats.prompts.push(prompt);
    return c.json({ id: generation.id });
  });
  app.get("/api/generations/:id", (c) => {
    const generation = state.generations.get(c.req.param("id"));
    if (!generation) return c.json({ error: "not found" }, 404);
    const now = Date.now();
    const replied = generation.replyAt !== undefined && now >= generation.replyAt;
    const ready = replied && now >= generation.readyAt;
    let overlay = false;
    if (ready && !state.overlayShown.has(generation.id) && faults.fire("overlay")) {
      overlay = true;
      state.overlayShown.add(generation.id);
    }
    return c.json({
      id: generation.id,
      replied,
      status: ready ? "ready" : "generating",
      overlay,
      songs: generation.songs.map((song) => ({
        id: song.id,
        title: song.title,
        durationSecs: song.durationSecs,
        status: !ready ? "generating" : song.hasAudio ? "ready" : "failed",
        audio_url: ready && song.hasAudio ? `/api/songs/${song.id}/download` : null,
      })),
    });
  });
  app.post("/api/songs/:id/export", async (c) => {
    const song = state.songById(c.req.param("id"));
    const format = c.req.query("format") as SimulatedFormat;
    if (!song?.hasAudio) return c.json({ error: "not found" }, 404);
    if (!FORMATS.includes(format)) return c.json({ error: "unknown format" }, 400);
    state.stats.exports[format] += 1;
    if (faults.fire("download-never")) {
      // The export never finishes: hold the request until the page goes away or the simulator closes.
      await state.hold(c.req.raw.signal);
      return c.json({ error: "export abandoned" }, 503);
    }
    if (faults.fire("slow-export")) await new Promise((resolve) => setTimeout(resolve, settings.slowExportMs));
    return c.json({ url: `/api/songs/${song.id}/download?format=${format}` });
  });
  app.get("/api/songs/:id/download", (c) => {
    const song = state.songById(c.req.param("id"));
    const format = (c.req.query("format") ?? "wav") as SimulatedFormat;
    if (!song?.hasAudio || !FORMATS.includes(format)) return c.json({ error: "not found" }, 404);
    state.stats.downloads[format] += 1;
    const bytes = state.audio.get(song, format);
    state.stats.served.push({ clipId: song.id, format, sha256: state.audio.sha256(song, format), via: "endpoint" });
    const filename = `${song.title}.${format}`;
    return c.body(new Uint8Array(bytes), 200, {
      "content-type": CONTENT_TYPES[format],
      "content-length": String(bytes.length),
      "content-disposition": `attachment; filename="${filename.replace(/[^\x20-\x7e]/g, "_").replaceAll('"', "")}"; filename*=UTF-8''${encodeURIComponent(filename)}`,
    });
  });
}
