import type { SiteProfileInput } from "../site-profile.js";

/**
 * The 2025 producer.ai page the earlier service drove: a chat textarea sent with Enter, the assistant's reply
 * holding one card per song, and each card's "More options" menu with Download → MP3 / M4A / WAV.
 */
export const PRODUCERAI_2025_PROFILE = {
  name: "producerai-2025",
  description: "producer.ai chat page (2025): reply cards with a Download menu",
  flow: "chat-2025",
  baseUrl: "https://www.producer.ai",
  paths: { studio: "/create", signIn: "/login", library: "/library/my-songs", song: "/song/{id}" },
  locators: {
    promptInput: 'textarea[placeholder="Ask Producer..."]',
    reply: ".chat-history-part.producer-part",
    songCard: ".song-card",
    songCardPending: ".song-card.is-generating",
    songCardFailed: ".song-card.is-failed",
    songTitle: ".song-title",
    songLink: 'a[href*="/song/"]',
    moreOptionsButton: 'button[aria-label="More options"]',
    menuDownload: { role: "menuitem", name: "Download", exact: true },
    formatWav: { role: "menuitem", name: "WAV", exact: true },
    formatMp3: { role: "menuitem", name: "MP3", exact: true },
    formatM4a: { role: "menuitem", name: "M4A", exact: true },
    dialogClose: '[role="dialog"] button[aria-label="Close"]',
    loginWall: 'button:has-text("Continue with Google"), button:has-text("Continue with Discord")',
    signInEmail: 'input[type="email"]',
    signInPassword: 'input[type="password"]',
    signInSubmit: 'form button[type="submit"]',
    signInError: 'form [role="alert"]',
    challenge:
      'iframe[src*="challenges.cloudflare.com"], #challenge-form, .cf-turnstile, iframe[title*="captcha" i], [data-challenge]',
    outOfCredits: '[role="alert"]:has-text("credits")',
  },
  menus: { submenuPick: "pointer" },
  timeouts: { replyMs: 30_000, generationMs: 120_000 },
  controls: ["lyrics", "instrumental", "title"],
  modes: ["chat"],
  formats: ["wav", "mp3", "m4a"],
  songsPerGeneration: 2,
} as const satisfies SiteProfileInput;
