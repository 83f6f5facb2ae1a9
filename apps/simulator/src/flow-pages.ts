import { FLOW_COOKIE_BASE } from "./flow-accounts.js";
import { flowCommonScript, flowLibraryScript, flowStudioScript } from "./flow-script.js";

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; background: #0d0d12; color: #eee; }
  header { display: flex; gap: 16px; align-items: center; padding: 12px 24px; border-bottom: 1px solid #333; }
  header nav a { color: #ccc; margin-right: 12px; }
  main { max-width: 900px; margin: 0 auto; padding: 24px; }
  textarea, input { background: #1a1a22; color: #eee; border: 1px solid #444; border-radius: 6px; padding: 6px; font-size: 15px; }
  textarea { width: 100%; min-height: 60px; }
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
  .consent { position: fixed; left: 0; right: 0; bottom: 0; z-index: 40; background: #1f2a44; padding: 28px; min-height: 55vh; }
  .promo { position: fixed; inset: 0; z-index: 60; background: rgba(0,0,0,.7); display: flex; align-items: center; justify-content: center; }
  .promo .card { background: #222; padding: 32px; border-radius: 12px; }
  .alert { background: #5a1f1f; padding: 10px; border-radius: 6px; margin: 8px 0; }
  ul.songs { list-style: none; padding: 0; }
  ul.songs li { display: flex; gap: 12px; align-items: center; padding: 8px; border-bottom: 1px solid #2a2a2a; }
`;

function layout(title: string, body: string, scripts: string[] = []): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body>${body}${scripts.map((script) => `<script>${script}</script>`).join("")}</body></html>`;
}

const escapeHtml = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c] as string);

const header = () => `<header><strong>Flow Music</strong><nav><a href="/session">Studio</a><a href="/library/my-songs">Library</a><a href="/settings">Settings</a></nav><span id="credits"></span></header><div id="alerts"></div>`;

export function flowLoginPage(next: string): string {
  return layout(
    "Sign in · Flow Music",
    `<main><h1>Welcome to Flow Music</h1><p>Make music with AI.</p>
  <p><a href="/auth/google?next=${encodeURIComponent(next)}"><button type="button">Continue with Google</button></a></p></main>`,
  );
}

/** A stand-in for Google's account chooser: one click signs in and sets the chunked session cookie. */
export function flowConsentPage(next: string): string {
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

export function flowStudioPage(options: {
  models: ReadonlyArray<{ id: string; label: string; menuName: string }>;
  consent: boolean;
  promo: boolean;
  statusPollMs: number;
}): string {
  const consent = options.consent
    ? `<div class="consent" data-overlay><p>By uploading or generating, you confirm that you have the necessary rights to any content you provide.</p><button type="button" data-dismiss>I agree</button></div>`
    : "";
  const promo = options.promo
    ? `<div class="promo" role="dialog" aria-modal="true" aria-label="What's new" data-overlay><div class="card"><h2>Lyria 3 Pro is here</h2><p>Better vocals, longer songs.</p><button type="button" aria-label="Close" data-dismiss>&times;</button></div></div>`
    : "";
  return layout(
    "Studio · Flow Music",
    `${header()}<main>
  <div class="row"><button type="button" id="compose-toggle" aria-label="Toggle compose panel" aria-expanded="false">Compose</button></div>
  <section id="compose" hidden>
    <textarea id="sound" aria-label="Sound description" placeholder="Describe the sound you want"></textarea>
    <textarea id="lyrics" aria-label="Lyrics" placeholder="Write lyrics, or leave empty"></textarea>
    <div class="row">
      <button type="button" role="switch" id="instrumental" aria-label="Toggle instrumental mode" aria-checked="false">Instrumental</button>
      <button type="button" role="switch" id="advanced" aria-label="Toggle advanced sound mode" aria-checked="false">Advanced</button>
      <button type="button" id="model" aria-haspopup="menu">Lyria 3.5</button>
    </div>
    <div id="advanced-fields" class="row" hidden>
      <span>BPM</span><input id="bpm" inputmode="numeric" size="4">
      <span>Length</span><input id="length" placeholder="Auto" size="5">
      <span>Seed</span><input id="seed" inputmode="numeric" size="10">
    </div>
    <div class="row"><button type="button" id="details-toggle" aria-label="Expand Details section">Details</button></div>
    <div id="details" hidden><div class="field"><div id="title-placeholder" class="placeholder">Add title (optional)</div><textarea id="title" rows="1"></textarea></div></div>
    <div class="row"><button type="button" id="generate" disabled>Generate</button></div>
  </section>
  <h2>Chat</h2>
  <div id="messages"></div>
  <textarea id="chat" aria-label="Chat message" placeholder="Ask Producer..."></textarea>
  <button type="button" id="send" aria-label="Send message">&#10148;</button>
  <h2>Recent</h2><ul id="recent" class="songs"></ul>
</main>${consent}${promo}`,
    [
      `const MODELS = ${JSON.stringify(options.models)};`,
      flowCommonScript({ cookieBase: FLOW_COOKIE_BASE, statusPollMs: options.statusPollMs }),
      flowStudioScript(),
    ],
  );
}

interface Row {
  id: string;
  title: string;
  json: { duration: { status: string; value: string | null } };
}

const rowHtml = (row: Row) => {
  const title = escapeHtml(row.title);
  const state = row.json.duration.status === "completed" ? `${row.json.duration.value} s` : row.json.duration.status === "failed" ? "no audio" : "Generating…";
  return `<li><button type="button" aria-label="Open details for ${title}" data-details="${row.id}">&#9654;</button>
  <a href="/song/${row.id}">${title}</a><span>${state}</span>
  <button type="button" aria-label="More options for ${title}" aria-haspopup="menu" data-more="${row.id}" data-title="${title}">&#8943;</button></li>`;
};

export function flowLibraryPage(rows: Row[]): string {
  return layout(
    "My songs · Flow Music",
    `${header()}<main><h1>My songs</h1><ul class="songs" aria-label="My songs">${rows.map(rowHtml).join("")}</ul></main>`,
    [flowCommonScript({ cookieBase: FLOW_COOKIE_BASE, statusPollMs: 1000 }), flowLibraryScript()],
  );
}

export function flowSongPage(row: Row | undefined): string {
  if (!row) return layout("Not found · Flow Music", `${header()}<main><h1>Song not found</h1></main>`);
  return layout(
    `${escapeHtml(row.title)} · Flow Music`,
    `${header()}<main><h1>${escapeHtml(row.title)}</h1><ul class="songs">${rowHtml(row)}</ul></main>`,
    [flowCommonScript({ cookieBase: FLOW_COOKIE_BASE, statusPollMs: 1000 }), flowLibraryScript()],
  );
}

export function flowSettingsPage(account: string, credits: number): string {
  return layout("Settings · Flow Music", `${header()}<main><h1>Settings</h1><p>${escapeHtml(account)}</p><p>${credits} credits</p></main>`);
}
