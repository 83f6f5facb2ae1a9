import { COOKIE_CHUNK_CHARS, COOKIE_MAX_AGE_SECS, FLOW_COOKIE_BASE } from "./flow-accounts.js";
import type { FlowClipJson } from "./flow-store.js";
import { pageScript, scriptJson } from "./page-scripts.js";
import type { FlowScriptConfig } from "./script-config.js";

/** What a signed-in page is served with: overlays this load shows, and the shape options. */
export interface PageOptions {
  statusPollMs: number;
  consent: boolean;
  promo: boolean;
  /** Shows the promo dialog this long after load (the `promo-later` fault); undefined for never. */
  promoLaterMs: number | undefined;
  libraryRows: "div" | "li";
  menuShape: "portal" | "inline";
  /** The models the picker offers. */
  models: ReadonlyArray<{ public_name: string; blurb: string }>;
}

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; background: #0d0d12; color: #eee; }
  header { display: flex; gap: 16px; align-items: center; padding: 12px 24px; border-bottom: 1px solid #333; }
  header nav a { color: #ccc; margin-right: 12px; }
  main { max-width: 900px; margin: 0 auto; padding: 24px; }
  textarea, input { background: #1a1a22; color: #eee; border: 1px solid #444; border-radius: 6px; padding: 6px; font-size: 15px; }
  textarea { width: 100%; min-height: 60px; box-sizing: border-box; }
  button { background: #2a2a36; color: #eee; border: 1px solid #555; border-radius: 6px; padding: 6px 12px; cursor: pointer; }
  button[disabled] { opacity: .4; cursor: default; }
  [role=switch][aria-checked=true] { background: #3d6bff; }
  #compose { border: 1px solid #333; border-radius: 12px; padding: 16px; margin: 12px 0; }
  .row { display: flex; gap: 12px; align-items: center; margin: 8px 0; }
  .placeholder { position: absolute; padding: 7px; color: #777; pointer-events: none; }
  .field { position: relative; }
  [role=menu] { position: absolute; z-index: 50; background: #23232e; border: 1px solid #555; border-radius: 8px; min-width: 180px; padding: 4px; }
  [role=menuitem] { padding: 6px 10px; border-radius: 4px; cursor: pointer; }
  [role=menuitem]:focus, [role=menuitem]:hover { background: #3a3a4a; outline: none; }
  .inline-menu { display: flex; flex-wrap: wrap; gap: 4px; }
  .consent { position: fixed; left: 0; right: 0; bottom: 0; z-index: 40; background: #1f2a44; padding: 28px; min-height: 55vh; }
  .promo { position: fixed; inset: 0; z-index: 60; background: rgba(0,0,0,.7); display: flex; align-items: center; justify-content: center; }
  .promo [role=dialog] { background: #222; padding: 32px; border-radius: 12px; }
  .alert { background: #5a1f1f; padding: 10px; border-radius: 6px; margin: 8px 24px; }
  .notice { background: #1f3a2a; padding: 10px; border-radius: 6px; margin: 8px 24px; }
  .song-row { display: flex; gap: 12px; align-items: center; padding: 8px; border-bottom: 1px solid #2a2a2a; }
  ul#songs { list-style: none; padding: 0; margin: 0; }
`;

export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string,
  );

function layout(title: string, body: string, scripts: string[] = []): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body>${body}${scripts.map((script) => `<script>${script}</script>`).join("")}</body></html>`;
}

const CONSENT = `<div class="consent" data-overlay="consent"><p>Before you upload or generate: you confirm that you have the necessary rights to any content you provide, and that it follows our terms.</p><button type="button" data-dismiss>I agree</button></div>`;
export const PROMO = `<div class="promo" data-overlay="promo"><div role="dialog" aria-modal="true" aria-labelledby="promo-title"><h2 id="promo-title">Lyria 3 Pro is here</h2><p>Better vocals, longer songs. Try it in the model picker.</p><div class="row"><button type="button" data-dismiss>Maybe later</button><button type="button" data-dismiss>Try it now</button><button type="button" aria-label="Close" data-dismiss>&times;</button></div></div></div>`;

/**
 * A signed-in page: the app (`#app`, which overlays make `aria-hidden`), the overlays this load shows, and the
 * scripts (`static/flow/`) — the common one (login cookie, refresh, API, overlays, streams), the menus, and the
 * page's own.
 */
function appPage(title: string, options: PageOptions, main: string, pageScripts: string[]): string {
  const config: FlowScriptConfig = {
    cookieBase: FLOW_COOKIE_BASE,
    cookieChunkChars: COOKIE_CHUNK_CHARS,
    cookieMaxAgeSecs: COOKIE_MAX_AGE_SECS,
    statusPollMs: options.statusPollMs,
    promoLaterMs: options.promoLaterMs ?? null,
    libraryRows: options.libraryRows,
    menuShape: options.menuShape,
    models: options.models.map((model) => ({ publicName: model.public_name, blurb: model.blurb })),
  };
  const header = `<header><strong>Flow Music</strong><nav><a href="/session">Studio</a><a href="/library/my-songs">Library</a><a href="/settings">Settings</a></nav><span id="credits"></span></header><div id="alerts"></div>`;
  return layout(
    title,
    `<div id="app">${header}<main>${main}</main></div>${options.consent ? CONSENT : ""}${options.promo ? PROMO : ""}`,
    [
      `const FLOW = ${scriptJson(config)};\nconst PROMO_HTML = ${scriptJson(PROMO)};`,
      pageScript("flow/common.js"),
      pageScript("flow/menus.js"),
      ...pageScripts,
    ],
  );
}

export function flowLoginPage(next: string): string {
  return layout(
    "Sign in · Flow Music",
    `<main><h1>Welcome to Flow Music</h1><p>Make music with AI.</p>
  <p><a href="/auth/google?next=${encodeURIComponent(next)}"><button type="button">Continue with Google</button></a></p></main>`,
  );
}

/** A stand-in for Google's account chooser: one click signs in and sets the chunked session cookie. */
export function flowChooserPage(next: string): string {
  return layout(
    "Sign in - Google Accounts",
    `<main><h1>Choose an account</h1><p>to continue to Flow Music</p>
  <form method="post" action="/auth/google/callback">
    <input type="hidden" name="next" value="${escapeHtml(next)}">
    <input type="hidden" name="account" value="producer@example.test">
    <button type="submit">Continue as producer@example.test</button>
  </form></main>`,
  );
}

export function flowStudioPage(options: PageOptions): string {
  const studio = `
  <div class="row"><button type="button" id="compose-toggle" aria-label="Toggle compose panel" aria-expanded="false"><span>Compose</span></button></div>
  <section id="compose" hidden>
    <textarea id="sound" aria-label="Sound description" placeholder="Describe the sound you want"></textarea>
    <textarea id="lyrics" aria-label="Lyrics" placeholder="Write lyrics, or leave empty"></textarea>
    <div class="row">
      <button type="button" role="switch" id="instrumental" aria-label="Toggle instrumental mode" aria-checked="false"><span>Instrumental</span></button>
      <button type="button" role="switch" id="advanced" aria-label="Toggle advanced sound mode" aria-checked="false"><span>Advanced</span></button>
      <button type="button" id="model" aria-haspopup="menu" aria-expanded="false"><span id="model-label">Lyria 3.5</span><svg aria-hidden="true" width="12" height="12" viewBox="0 0 12 12"><path d="M2 4l4 4 4-4" stroke="currentColor" fill="none"/></svg></button>
    </div>
    <div id="advanced-fields" class="row" hidden>
      <label>BPM</label><input id="bpm" inputmode="numeric" size="4">
      <label>Length</label><input id="length" placeholder="Auto" size="5">
      <label>Seed</label><input id="seed" inputmode="numeric" size="10">
    </div>
    <div class="row"><button type="button" id="details-toggle" aria-label="Expand Details section" aria-expanded="false"><span>Details</span></button></div>
    <div id="details" hidden><div class="field"><div id="title-placeholder" class="placeholder">Add title (optional)</div><textarea id="title" rows="1"></textarea></div></div>
    <div class="row"><button type="button" id="generate" disabled><span>Generate</span></button><span id="progress" role="status"></span></div>
  </section>
  <h2>Chat</h2>
  <div id="messages"></div>
  <textarea id="chat" aria-label="Chat message" placeholder="Ask Producer..."></textarea>
  <button type="button" id="send" aria-label="Send message"><svg aria-hidden="true" width="14" height="14" viewBox="0 0 14 14"><path d="M1 7h12M8 2l5 5-5 5" stroke="currentColor" fill="none"/></svg></button>
  <h2>Recent</h2><div id="recent"></div>`;
  return appPage("Studio · Flow Music", options, studio, [pageScript("flow/studio.js")]);
}

export function flowLibraryPage(options: PageOptions): string {
  const list = options.libraryRows === "li" ? `<ul id="songs" aria-label="My songs"></ul>` : `<div id="songs"></div>`;
  return appPage(
    "My songs · Flow Music",
    options,
    `<h1>My songs</h1>${list}<div id="more" aria-hidden="true" style="height:40px"></div>`,
    [pageScript("flow/song-row.js"), pageScript("flow/library.js")],
  );
}

export function flowSongPage(options: PageOptions, clip: FlowClipJson | undefined): string {
  if (!clip) return appPage("Not found · Flow Music", options, `<h1>Song not found</h1>`, []);
  return appPage(`${clip.title} · Flow Music`, options, `<h1>${escapeHtml(clip.title)}</h1><div id="songs"></div>`, [
    `const SONG = ${scriptJson(clip)};`,
    pageScript("flow/song-row.js"),
    pageScript("flow/song.js"),
  ]);
}

export function flowSettingsPage(options: PageOptions, account: string): string {
  return appPage(
    "Settings · Flow Music",
    options,
    `<h1>Settings</h1><p>${escapeHtml(account)}</p><p><a href="/auth/sign-out">Sign out</a></p>`,
    [],
  );
}
