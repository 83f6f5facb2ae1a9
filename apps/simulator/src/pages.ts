import { pageScript, scriptJson } from "./page-scripts.js";
import type { ComposerScriptConfig } from "./script-config.js";
import type { DomVariant } from "./variants.js";

const STYLE = `
  body { font-family: system-ui, sans-serif; margin: 0; background: #111; color: #eee; }
  main { max-width: 760px; margin: 0 auto; padding: 24px; }
  textarea { width: 100%; height: 80px; font-size: 16px; }
  .history > * { margin: 12px 0; padding: 12px; border-radius: 8px; background: #222; }
  .user-part { background: #1b2a3a !important; }
  .cards { display: flex; gap: 12px; flex-wrap: wrap; }
  .card { position: relative; width: 300px; padding: 12px; border: 1px solid #444; border-radius: 8px; }
  .card.waiting { opacity: .6; }
  .menu { position: absolute; top: 44px; right: 8px; z-index: 10; background: #333; border: 1px solid #555; min-width: 160px; }
  .menu [role=menuitem] { display: block; width: 100%; padding: 6px 10px; text-align: left; background: none; color: #eee; border: 0; cursor: pointer; }
  .menu [role=menuitem]:hover { background: #444; }
  .submenu { left: -170px; top: 0; }
  .menu.inline, .menu.inline .submenu { position: static; margin-top: 8px; }
  .overlay { position: fixed; inset: 0; z-index: 1000; background: rgba(0,0,0,.6); display: flex; align-items: center; justify-content: center; }
  .overlay .dialog { background: #222; padding: 32px; border-radius: 12px; }
  .banner, .notice { background: #5a1f1f; padding: 12px; border-radius: 8px; margin: 12px 0; }
`;

function layout(title: string, body: string, scripts: string[] = []): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head>
<body>${body}${scripts.map((script) => `<script>${script}</script>`).join("")}</body></html>`;
}

export function signInPage(variant: DomVariant, options: { next: string }): string {
  const next = encodeURIComponent(options.next);
  return layout(
    "Sign in · Producer",
    `<main>
  <h1>Sign in to Producer</h1>
  <p><a href="/auth/oauth?provider=google&next=${next}"><button type="button">${variant.googleButton}</button></a></p>
  <p><a href="/auth/oauth?provider=discord&next=${next}"><button type="button">${variant.discordButton}</button></a></p>
  <form id="sign-in" method="post" action="/auth/sign-in">
    <input type="hidden" name="next" value="${options.next.replaceAll('"', "&quot;")}">
    <p><label>Email <input type="email" name="email" autocomplete="username"></label></p>
    <p><label>Password <input type="password" name="password" autocomplete="current-password"></label></p>
    <div id="sign-in-error"></div>
    <p><button type="submit">Sign in</button></p>
  </form>
</main>`,
    [pageScript("classic/sign-in.js")],
  );
}

export interface ComposerOptions {
  /** Each card keeps its own open menu (the `menu-stays-open` fault). */
  menusStayOpen?: boolean;
  /** The card's menu as a plain list of menu items: no `role="menu"` element around them. */
  bareMenus?: boolean;
  /** Songs shown on load (a song's own page). */
  preload?: ComposerScriptConfig["preload"];
}

/** What the composer's script reads: the variant's words and class names, and the options of this page. */
function composerConfig(variant: DomVariant, options: ComposerOptions): ComposerScriptConfig {
  return {
    replyClass: variant.replyClass,
    userClass: variant.replyClass.startsWith("chat-history-part")
      ? "chat-history-part user-part"
      : "user-turn user-part",
    cardClass: variant.cardClass,
    pendingClass: variant.pendingClass,
    failedClass: variant.failedClass,
    titleClass: variant.titleClass,
    songPath: variant.songPath,
    moreOptionsLabel: variant.moreOptionsLabel,
    downloadLabel: variant.downloadLabel,
    formatLabels: variant.formatLabels,
    closeLabel: variant.closeLabel,
    quotaBanner: variant.quotaBanner("You're out of credits for today. Upgrade or come back tomorrow."),
    menusStayOpen: options.menusStayOpen === true,
    bareMenus: options.bareMenus === true,
    preload: options.preload ?? [],
  };
}

/** The composer: chat, song cards, the More options menu and on-demand export (`static/classic/composer.js`). */
export function composerPage(variant: DomVariant, options: ComposerOptions = {}): string {
  return layout(
    "Create · Producer",
    `<main>
  <h1>Producer</h1>
  <div class="history" id="history"></div>
  <div id="banners"></div>
  <textarea id="prompt" placeholder="${variant.promptPlaceholder}" aria-label="Message"></textarea>
  <p><small>Enter to send · Shift+Enter for a new line</small></p>
</main>`,
    [`const COMPOSER = ${scriptJson(composerConfig(variant, options))};`, pageScript("classic/composer.js")],
  );
}

export function songPage(title: string): string {
  return layout(`${title} · Producer`, `<main><h1>${title}</h1></main>`);
}

/** What a Cloudflare-style bot check serves instead of the page. */
export function challengePage(): string {
  return layout(
    "Just a moment...",
    `<main><h1>Checking your browser before accessing the site.</h1>
  <form id="challenge-form" action="#" method="post"><div class="cf-turnstile" data-sitekey="0x0"></div></form>
  <noscript>Enable JavaScript and cookies to continue</noscript></main>`,
  );
}

export function errorPage(status: number): string {
  return layout(`${status}`, `<main><h1>Something went wrong (${status})</h1><p>Please try again later.</p></main>`);
}
