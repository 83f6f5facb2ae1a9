/**
 * The words and class names the simulated page uses. `default` follows what is known of ProducerAI; `renamed`
 * changes every one of them, as a redesign of the site would, to prove that a second selectors profile drives
 * the same flow with no code change.
 */
export interface DomVariant {
  promptPlaceholder: string;
  replyClass: string;
  cardClass: string;
  pendingClass: string;
  failedClass: string;
  titleClass: string;
  songPath: string;
  moreOptionsLabel: string;
  downloadLabel: string;
  formatLabels: { mp3: string; m4a: string; wav: string };
  closeLabel: string;
  quotaBanner: (text: string) => string;
  googleButton: string;
  discordButton: string;
}

export const DOM_VARIANTS = {
  "producerai-2025": {
    promptPlaceholder: "Ask Producer...",
    replyClass: "chat-history-part producer-part",
    cardClass: "song-card",
    pendingClass: "is-generating",
    failedClass: "is-failed",
    titleClass: "song-title",
    songPath: "/song/",
    moreOptionsLabel: "More options",
    downloadLabel: "Download",
    formatLabels: { mp3: "MP3", m4a: "M4A", wav: "WAV" },
    closeLabel: "Close",
    quotaBanner: (text) => `<div class="banner" role="alert">${text}</div>`,
    googleButton: "Continue with Google",
    discordButton: "Continue with Discord",
  },
  renamed: {
    promptPlaceholder: "Describe a song...",
    replyClass: "assistant-turn",
    cardClass: "track-tile",
    pendingClass: "pending",
    failedClass: "broken",
    titleClass: "track-name",
    songPath: "/track/",
    moreOptionsLabel: "Track actions",
    downloadLabel: "Export",
    formatLabels: { mp3: "MP3 file", m4a: "M4A file", wav: "WAV file" },
    closeLabel: "Dismiss",
    quotaBanner: (text) => `<div class="notice" role="status" data-banner="credits">${text}</div>`,
    googleButton: "Sign in with Google",
    discordButton: "Sign in with Discord",
  },
} satisfies Record<string, DomVariant>;

export type DomVariantName = keyof typeof DOM_VARIANTS;

/** Every generation of the site the simulator serves: the 2026 Flow app and the two 2025 DOM variants. */
export const SITE_VARIANTS = ["flow-2026", "producerai-2025", "renamed"] as const;
export type SiteVariantName = (typeof SITE_VARIANTS)[number];

/** The locators that drive the `renamed` variant with the producerai-2025 profile (the entries that differ). */
export const RENAMED_VARIANT_LOCATORS = {
  promptInput: 'textarea[placeholder="Describe a song..."]',
  reply: ".assistant-turn",
  songCard: ".track-tile",
  songCardPending: ".track-tile.pending",
  songCardFailed: ".track-tile.broken",
  songTitle: ".track-name",
  songLink: 'a[href*="/track/"]',
  moreOptionsButton: 'button[aria-label="Track actions"]',
  menuDownload: { role: "menuitem", name: "Export", exact: true },
  formatWav: { role: "menuitem", name: "WAV file", exact: true },
  formatMp3: { role: "menuitem", name: "MP3 file", exact: true },
  formatM4a: { role: "menuitem", name: "M4A file", exact: true },
  dialogClose: '[role="dialog"] button[aria-label="Dismiss"]',
  loginWall: 'button:has-text("Sign in with Google"), button:has-text("Sign in with Discord")',
  outOfCredits: '[data-banner="credits"]',
} as const;
