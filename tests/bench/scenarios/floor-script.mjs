// What a user could write instead of producer: bare Playwright on the simulated 2026 app, the same clicks
// (compose, Generate, the library's More options → Download → WAV), the same storage (a file and a SQLite row).
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { chromium } from "playwright";
import { chromiumArgs, chromiumPath } from "../lib.mjs";

export function openStore(dir) {
  fs.mkdirSync(dir, { recursive: true });
  const db = new Database(path.join(dir, "tracks.db"));
  db.pragma("journal_mode = WAL");
  db.exec("create table if not exists tracks (id integer primary key, clip_id text, path text, sha256 text, size integer)");
  const insert = db.prepare("insert into tracks (clip_id, path, sha256, size) values (?, ?, ?, ?)");
  return { dir, insert: (row) => insert.run(row.clipId, row.path, row.sha256, row.size), close: () => db.close() };
}

export const launch = () => chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs(), headless: true });

/** A signed-in context with the studio and the library open. */
export async function openPages(browser, site) {
  const context = await browser.newContext({ storageState: site.issueSession(), acceptDownloads: true });
  const studio = await context.newPage();
  await studio.goto(new URL("/session", site.url).href);
  const library = await context.newPage();
  await library.goto(new URL("/library/my-songs", site.url).href);
  return { context, studio, library };
}

/** One generation on open pages: compose, submit, wait for the page's status call, download each song, store it. */
export async function generateOnPages({ studio, library }, prompt, store) {
  // A background tab's timers are throttled: the page in use is brought to the front, as a user's would be. The
  // app keeps each generation's reply stream open, and Chromium allows six connections to a host: the studio is
  // loaded afresh for every generation, as producer does, or the seventh would stall.
  await studio.bringToFront();
  await studio.reload();
  const description = studio.getByRole("textbox", { name: "Sound description" });
  if (!(await description.isVisible())) await studio.getByRole("button", { name: "Toggle compose panel" }).click();
  await description.fill(prompt);
  // Generate, and once more if the click sent nothing (the panel was still opening).
  for (let attempt = 1; ; attempt += 1) {
    const sent = studio.waitForResponse((response) => response.url().includes("/__api/producer/tool-call"), { timeout: 5000 });
    await studio.getByRole("button", { name: "Generate", exact: true }).click();
    if (await sent.then(() => true, () => false)) break;
    if (attempt === 2) throw new Error("Generate sent nothing");
  }
  // Follow the generation as a savvy script would: the account's newest clips, read with the page's own cookies,
  // until both songs of this prompt are done.
  const newest = new URL("/__api/clips/auth-user?limit=4&offset=0", studio.url()).href;
  let clipIds = [];
  for (const deadline = Date.now() + 60_000; ; ) {
    const { data } = await (await studio.context().request.get(newest)).json();
    const mine = data.filter((clip) => clip.operation?.sound_prompt === prompt);
    if (mine.length >= 2 && mine.every((clip) => clip.duration.status !== "pending")) {
      clipIds = mine.map((clip) => clip.id);
      break;
    }
    if (Date.now() > deadline) throw new Error(`the songs of "${prompt}" did not finish`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await library.bringToFront();
  await library.reload();
  for (const clipId of clipIds) {
    const row = library.getByRole("listitem").filter({ has: library.locator(`a[href$="/song/${clipId}"]`) });
    await library.keyboard.press("Escape");
    await row.getByRole("button", { name: /^More options for / }).click();
    const download = library.waitForEvent("download");
    const item = library.getByRole("menuitem", { name: "Download", exact: true });
    await item.focus();
    await item.press("ArrowRight");
    const wav = library.getByRole("menuitem", { name: "WAV", exact: true });
    await wav.focus();
    await wav.press("Enter");
    const file = path.join(store.dir, `${clipId}.wav`);
    const saved = await download;
    await saved.saveAs(file);
    await saved.delete();
    const bytes = fs.readFileSync(file);
    store.insert({ clipId, path: file, sha256: createHash("sha256").update(bytes).digest("hex"), size: bytes.length });
  }
  return clipIds.length;
}

/** The cold script: a fresh Chromium per request, then the same steps. */
export async function coldGeneration(site, prompt, store) {
  const browser = await launch();
  try {
    return await generateOnPages(await openPages(browser, site), prompt, store);
  } finally {
    await browser.close();
  }
}
