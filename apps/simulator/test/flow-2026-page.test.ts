/// <reference lib="dom" />
import { chromium, type Browser, type BrowserContext, type Page } from "playwright";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { lyricsUuid } from "../src/flow-lyrics.js";
import { start, type RunningSimulator } from "../src/index.js";

// The 2026 app's pages in real Chromium, driven by role and name as a driver would.

let site: RunningSimulator;
let browser: Browser;
const DEFAULTS = {
  generationMs: 300,
  toolReturnDelayMs: 100,
  statusPollMs: 200,
  menuShape: "portal",
  libraryRows: "div",
  accessTokenTtlSecs: 3600,
  promoDelayMs: 300,
} as const;

beforeAll(async () => {
  site = await start({ ...DEFAULTS });
  const root = typeof process.getuid === "function" && process.getuid() === 0;
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--disable-background-networking",
      "--disable-component-update",
      "--no-first-run",
      "--disable-dev-shm-usage",
      ...(root ? ["--no-sandbox"] : []),
    ],
  });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await site?.close();
});
beforeEach(() => {
  site.faults.clear();
  site.resetStats();
  site.setCredits(500);
  Object.assign(site.settings, DEFAULTS);
});

async function signedIn(options: { ttlSecs?: number } = {}): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({
    storageState: site.issueSession(undefined, options),
    acceptDownloads: true,
  });
  return { context, page: await context.newPage() };
}
const poll = (check: () => unknown | Promise<unknown>, timeout = 15_000) => expect.poll(check, { timeout });

describe("the 2026 studio page", () => {
  it("composes with every control, and its tool call has the web form's shape", async () => {
    const { context, page } = await signedIn();
    await page.goto(`${site.url}/session`);
    const toggle = page.getByRole("button", { name: "Toggle compose panel" });
    if ((await toggle.getAttribute("aria-expanded")) !== "true") await toggle.click();
    await page.getByRole("textbox", { name: "Sound description" }).fill("dusty lofi");
    await page.getByRole("textbox", { name: "Lyrics" }).fill("rain on the window");
    const instrumental = page.getByRole("switch", { name: "Toggle instrumental mode" });
    expect(await instrumental.getAttribute("aria-checked")).toBe("false");
    await page.getByRole("switch", { name: "Toggle advanced sound mode" }).click();
    await page.locator('label:text-is("BPM") + input').fill("96");
    await page.locator('label:text-is("Length") + input').fill("1:05");
    await page.locator('label:text-is("Seed") + input').fill("42");
    await page.getByRole("button", { name: /^Lyria / }).click();
    await page.getByRole("menuitem", { name: /^Lyria 3 Pro/ }).click();
    await poll(() => page.getByRole("button", { name: /^Lyria / }).textContent()).toBe("Lyria 3 Pro");
    await page.getByRole("button", { name: "Expand Details section" }).click();
    const title = page.locator('div:text-is("Add title (optional)") + textarea');
    await title.fill("Window Rain");
    await poll(() => page.getByText("Add title (optional)").isVisible()).toBe(false);
    await page.getByRole("button", { name: "Generate" }).click();
    await poll(() => page.locator("#recent").textContent()).toMatch(/Window Rain.*65\.0 s.*Window Rain.*65\.0 s/);

    const request = site.stats.flow.composeRequests[0];
    expect(request).toMatchObject({
      soundPrompt: "dusty lofi, 96 bpm",
      lyrics: "rain on the window\n[End - 1:05]",
      title: "Window Rain",
      seed: 42,
      selectedModel: "Lyria 3 Pro",
    });
    const body = request?.body as {
      conversation_id: string;
      part: { args: Record<string, unknown>; part_kind: string; tool_name: string; tool_call_id: string };
      client_context: { lyrics_id_map: Record<string, string> };
    };
    expect(body.part).toMatchObject({
      tool_name: "audio__create_song",
      part_kind: "tool-call",
      tool_call_id: expect.stringMatching(/^call_/),
    });
    expect(Object.keys(body.part.args)).toEqual(["sound_prompt", "lyrics_id", "title", "seed", "image_id"]);
    expect(body.client_context.lyrics_id_map[body.part.args.lyrics_id as string]).toBe(
      "rain on the window\n[End - 1:05]",
    );
    // The app names lyrics by uuid v5 of their text (the facts' namespace).
    expect(body.part.args.lyrics_id).toBe(lyricsUuid("rain on the window\n[End - 1:05]"));
    expect(lyricsUuid("[Instrumental]")).toBe("55161754-f78d-5b7f-9fa2-6a3cc8d6ba93");
    expect(site.stats.flow.streamReaders).toBe(1);
    expect(site.stats.flow.clipsLookups).toBeGreaterThan(0);

    // The panel keeps the previous session's values; instrumental replaces the lyrics.
    await page.reload();
    expect(await page.getByRole("textbox", { name: "Sound description" }).inputValue()).toBe("dusty lofi");
    await page.getByRole("switch", { name: "Toggle instrumental mode" }).click();
    await page.getByRole("button", { name: "Generate" }).click();
    await poll(() => site.stats.flow.composeRequests.length).toBe(2);
    expect(site.stats.flow.composeRequests[1]?.lyrics).toBe("[Instrumental]\n[End - 1:05]");
    await context.close();
  });

  it("shows out-of-credits, busy and stream errors", async () => {
    const { context, page } = await signedIn();
    await page.goto(`${site.url}/session`);
    await page.getByRole("textbox", { name: "Chat message" }).fill("a song about tea");
    site.faults.set("busy", { times: 1 });
    await page.getByRole("button", { name: "Send message" }).click();
    await poll(() => page.getByRole("alert").allTextContents()).toEqual([
      expect.stringContaining("Producer is busy helping others"),
    ]);
    site.setCredits(3);
    await page.getByRole("textbox", { name: "Chat message" }).fill("a song about tea");
    await page.getByRole("button", { name: "Send message" }).click();
    await poll(() => page.getByRole("alert").last().textContent()).toContain("You're out of credits");
    site.setCredits(500);
    site.faults.set("stream-error", { times: 1 });
    await page.getByRole("textbox", { name: "Chat message" }).fill("something flagged");
    await page.getByRole("button", { name: "Send message" }).click();
    await poll(() => page.getByRole("alert").last().textContent()).toContain("content filter");
    expect(site.stats.flow).toMatchObject({ busyRefusals: 1, refusedForCredits: 1, generationsStarted: {} });
    await context.close();
  });

  it("hides the app behind the promo dialog until it is closed, and behind the consent notice", async () => {
    const { context, page } = await signedIn();
    site.faults.set("promo-dialog", { times: 1 });
    await page.goto(`${site.url}/session`);
    expect(await page.locator("#app").getAttribute("aria-hidden")).toBe("true");
    expect(await page.getByRole("button", { name: "Toggle compose panel" }).count()).toBe(0);
    await page.getByRole("dialog").getByRole("button", { name: "Maybe later" }).waitFor();
    await page.keyboard.press("Escape");
    await poll(() => page.getByRole("button", { name: "Toggle compose panel" }).count()).toBe(1);
    site.faults.set("consent-notice", { times: 1 });
    site.faults.set("promo-later", { times: 1 });
    await page.goto(`${site.url}/library/my-songs`);
    expect(await page.getByText("necessary rights").isVisible()).toBe(true);
    // The promo comes a moment after the load, over the notice: it is closed first, then the notice agreed to.
    await poll(() => page.getByRole("dialog").count()).toBe(1);
    expect(await page.locator("#app").getAttribute("aria-hidden")).toBe("true");
    await page.getByRole("button", { name: "Close" }).click();
    await page.getByRole("button", { name: "I agree" }).click();
    await poll(() => page.locator("#app").getAttribute("aria-hidden")).toBeNull();
    await context.close();
  });

  it("refreshes its own session before expires_at, saving the rotated refresh token in the cookie", async () => {
    // Two tabs, no reuse window: only one of them may spend the refresh token (the other uses what it saved).
    site.settings.refreshReuseSecs = 0;
    const { context, page } = await signedIn({ ttlSecs: 3 });
    const issued = site.liveRefreshTokens();
    const otherTab = await context.newPage();
    await Promise.all([page.goto(`${site.url}/session`), otherTab.goto(`${site.url}/library/my-songs`)]);
    await poll(() => site.stats.flow.refreshes.granted, 20_000).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(site.stats.flow.refreshes).toEqual({ granted: 1, refused: 0 });
    expect(new URL(otherTab.url()).pathname).toBe("/library/my-songs");
    const state = await context.storageState();
    const value = state.cookies
      .filter((cookie) => cookie.name.startsWith("sb-sb-auth-token."))
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((cookie) => cookie.value)
      .join("");
    const saved = JSON.parse(Buffer.from(value.slice(7), "base64url").toString()) as { refresh_token: string };
    expect(issued).not.toContain(saved.refresh_token);
    expect(site.liveRefreshTokens()).toContain(saved.refresh_token);
    // A 401 makes the page refresh once and retry; a refused refresh sends it to /login.
    const credits = await page.evaluate(async () => {
      const scope = window as unknown as {
        readSession: () => Record<string, unknown>;
        writeSession: (session: unknown) => void;
        api: (path: string) => Promise<Response>;
      };
      scope.writeSession({ ...scope.readSession(), access_token: "not-a-live-token" });
      return (await scope.api("/__api/billing/credits")).status;
    });
    expect(credits).toBe(200);
    expect(site.stats.flow).toMatchObject({ unauthorized: 1, refreshes: { granted: 2, refused: 0 } });
    site.expireSessions();
    await page.reload();
    await poll(() => new URL(page.url()).pathname).toBe("/login");
    await context.close();
  });

  it("lets a credentialed fetch of a storage link fail CORS, and a plain one work", async () => {
    const { context, page } = await signedIn();
    site.seedLibrary(undefined, 1);
    const clip = site.flowClips()[0] as { id: string };
    await page.goto(`${site.url}/session`);
    const results = await page.evaluate(async (link) => {
      const attempt = (init: RequestInit) =>
        fetch(link, init).then(
          (response) => response.status,
          () => "failed",
        );
      return { credentialed: await attempt({ credentials: "include" }), plain: await attempt({ credentials: "omit" }) };
    }, `${site.storageUrl}/clips/${clip.id}.m4a`);
    expect(results).toEqual({ credentialed: "failed", plain: 200 });
    await context.close();
  });
});

describe("the 2026 library page", () => {
  it("opens Radix menus from rows: a pointer click on a submenu item does nothing, Enter downloads", async () => {
    const { context, page } = await signedIn();
    site.seedLibrary(undefined, 60);
    const listings: string[] = [];
    page.on("request", (request) => {
      if (request.url().includes("/__api/clips/auth-user")) listings.push(new URL(request.url()).search);
    });
    await page.goto(`${site.url}/library/my-songs`);
    const title = (await page
      .getByRole("link", { name: /^Archive Song/ })
      .first()
      .textContent()) as string;
    const more = page.getByRole("button", { name: `More options for ${title}`, exact: true });
    await more.click();
    expect(await page.getByRole("link", { name: title, exact: true }).getAttribute("href")).toMatch(/^\/song\//);
    expect(await page.getByRole("button", { name: `Open details for ${title}`, exact: true }).count()).toBe(1);
    expect(await page.locator("li").count()).toBe(0);
    // 50 rows a listing; a busy machine may have scrolled the end into view once more before the rows laid out.
    await poll(() => page.locator(".song-row").count()).toBeGreaterThanOrEqual(50);
    expect(listings[0]).toBe("?limit=50&offset=0&filter=generations");
    const menuId = await more.getAttribute("aria-controls");
    expect(await page.locator(`body > [role=menu]#${menuId}`).count()).toBe(1);
    await page.getByRole("menuitem", { name: "Download" }).click();
    await page.getByRole("menuitem", { name: "WAV" }).click();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(site.stats.served).toEqual([]);
    const download = page.waitForEvent("download");
    await page.getByRole("menuitem", { name: "WAV" }).focus();
    await page.keyboard.press("Enter");
    const file = await download;
    expect(file.suggestedFilename()).toBe(`${title}.wav`);
    expect(site.stats.served).toMatchObject([{ format: "wav", via: "endpoint" }]);

    // ArrowRight opens a submenu from its trigger; Split stems starts a stem generation.
    await more.click();
    await page.getByRole("menuitem", { name: "Remix" }).focus();
    await page.keyboard.press("ArrowRight");
    await poll(() => page.getByRole("menuitem", { name: "Use prompt" }).count()).toBe(1);
    await page.keyboard.press("Escape");
    await more.click();
    await page.getByRole("menuitem", { name: "Split stems" }).click();
    await poll(() => page.getByRole("link", { name: `${title} - vocals` }).count()).toBe(1);
    expect(site.stats.flow.stemSplits).toBe(1);

    // The rest of the library loads as its end scrolls into view.
    await page.locator("#more").scrollIntoViewIfNeeded();
    await poll(() => page.locator(".song-row").count()).toBe(site.flowClips().length);
    await context.close();
  });

  it("can put the menu items inline in the row, and rows in a list", async () => {
    site.settings.menuShape = "inline";
    site.settings.libraryRows = "li";
    site.seedLibrary(undefined, 2);
    const { context, page } = await signedIn();
    await page.goto(`${site.url}/library/my-songs`);
    const title = (await page
      .getByRole("link", { name: /^Archive Song/ })
      .first()
      .textContent()) as string;
    const row = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: title, exact: true }) });
    await row.getByRole("button", { name: /^More options for/ }).click();
    expect(await page.getByRole("menu").count()).toBe(0);
    await row.getByRole("menuitem", { name: "Download" }).click();
    await row.getByRole("menuitem", { name: "MP3" }).click();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(site.stats.served).toEqual([]);
    const download = page.waitForEvent("download");
    await row.getByRole("menuitem", { name: "MP3" }).press("Enter");
    expect((await download).suggestedFilename()).toBe(`${title}.mp3`);
    await context.close();
  });
});
