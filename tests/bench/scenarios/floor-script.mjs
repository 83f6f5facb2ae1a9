// What a user could write instead of producer: bare Playwright on the simulated 2026 app — compose, Generate, the
// account's newest clips asked with the page's token, each song fetched by its public storage link — and the
// same storage (a file and a SQLite row).
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
  db.exec(
    "create table if not exists tracks (id integer primary key, clip_id text, path text, sha256 text, size integer)",
  );
  const insert = db.prepare("insert into tracks (clip_id, path, sha256, size) values (?, ?, ?, ?)");
  return { dir, insert: (row) => insert.run(row.clipId, row.path, row.sha256, row.size), close: () => db.close() };
}

export const launch = () => chromium.launch({ executablePath: chromiumPath(), args: chromiumArgs(), headless: true });

/** A signed-in context with the studio open. */
export async function openPages(browser, site) {
  const context = await browser.newContext({ storageState: site.issueSession(), acceptDownloads: true });
  const studio = await context.newPage();
  await studio.goto(new URL("/session", site.url).href);
  return { context, studio };
}

/** The Supabase access token the page keeps in its chunked `sb-…-auth-token.N` cookies (renewed by the page). */
async function accessToken(context) {
  const chunks = (await context.cookies())
    .filter((cookie) => /^sb-.+-auth-token(\.\d+)?$/.test(cookie.name))
    .sort((a, b) => Number(a.name.split(".").pop()) - Number(b.name.split(".").pop()));
  const joined = chunks.map((cookie) => cookie.value).join("");
  return JSON.parse(Buffer.from(joined.replace(/^base64-/, ""), "base64url").toString()).access_token;
}

const generationsOnPage = new WeakMap();

/** One generation on open pages: compose, submit, wait for the page's status call, download each song, store it. */
export async function generateOnPages({ studio }, prompt, store) {
  // A background tab's timers are throttled: the page in use is brought to the front, as a user's would be. The
  // app may keep a generation's reply stream open, and Chromium allows six connections to a host: the studio is
  // loaded again every fifth generation, as producer does, or a seventh could stall.
  await studio.bringToFront();
  generationsOnPage.set(studio, (generationsOnPage.get(studio) ?? 0) + 1);
  if (generationsOnPage.get(studio) % 5 === 0) await studio.reload();
  const description = studio.getByRole("textbox", { name: "Sound description" });
  if (!(await description.isVisible())) await studio.getByRole("button", { name: "Toggle compose panel" }).click();
  await description.fill(prompt);
  // Generate, and once more if the click sent nothing (the panel was still opening).
  for (let attempt = 1; ; attempt += 1) {
    const sent = studio.waitForResponse((response) => response.url().includes("/__api/producer/tool-call"), {
      timeout: 5000,
    });
    await studio.getByRole("button", { name: "Generate", exact: true }).click();
    if (
      await sent.then(
        () => true,
        () => false,
      )
    )
      break;
    if (attempt === 2) throw new Error("Generate sent nothing");
  }
  // Follow the generation as a savvy script would: the account's newest clips, asked with the page's own access
  // token, until both songs of this prompt are done; then fetch each song's public storage link, no cookies.
  const newest = new URL("/__api/clips/auth-user?limit=4&offset=0&filter=generations", studio.url()).href;
  let done = [];
  for (const deadline = Date.now() + 60_000; ; ) {
    const answer = await fetch(newest, { headers: { authorization: `Bearer ${await accessToken(studio.context())}` } });
    const json = await answer.json();
    const list = Array.isArray(json.clips) ? json.clips : (json.data ?? []);
    const mine = list.filter((clip) => clip.operation?.sound_prompt === prompt);
    if (mine.length >= 2 && mine.every((clip) => clip.audio_url && clip.duration?.status === "completed")) {
      done = mine;
      break;
    }
    if (Date.now() > deadline) throw new Error(`the songs of "${prompt}" did not finish`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  for (const clip of done) {
    const response = await fetch(clip.wav_url ?? clip.audio_url);
    if (!response.ok) throw new Error(`${clip.id}: HTTP ${response.status}`);
    const bytes = Buffer.from(await response.arrayBuffer());
    const file = path.join(store.dir, `${clip.id}.wav`);
    fs.writeFileSync(file, bytes);
    store.insert({
      clipId: clip.id,
      path: file,
      sha256: createHash("sha256").update(bytes).digest("hex"),
      size: bytes.length,
    });
  }
  const clipIds = done.map((clip) => clip.id);
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
