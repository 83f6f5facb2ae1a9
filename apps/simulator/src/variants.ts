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
  default: {
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

/** The selectors profile that drives the `renamed` variant (only the entries that differ from the default). */
export const RENAMED_VARIANT_SELECTORS = {
  promptInput: 'textarea[placeholder="Describe a song..."]',
  reply: ".assistant-turn",
  songCard: ".track-tile",
  songCardPending: ".track-tile.pending",
  songCardFailed: ".track-tile.broken",
  songTitle: ".track-name",
  songLink: 'a[href*="/track/"]',
  moreOptionsButton: 'button[aria-label="Track actions"]',
  menuDownload: '[role="menuitem"]:text-is("Export")',
  formatWav: '[role="menuitem"]:text-is("WAV file")',
  formatMp3: '[role="menuitem"]:text-is("MP3 file")',
  formatM4a: '[role="menuitem"]:text-is("M4A file")',
  overlayDismiss: '[role="dialog"] button[aria-label="Dismiss"]',
  loginWall: 'button:has-text("Sign in with Google"), button:has-text("Sign in with Discord")',
  quotaBanner: '[data-banner="credits"]',
} as const;
