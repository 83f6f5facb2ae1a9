import { z } from "zod";
import { DEFAULT_PROFILE } from "../profiles/index.js";
import { setting } from "../setting.js";
import { locatorSchema } from "../site-profile.js";
import { milliseconds } from "./setting-shapes.js";

export const AUDIO_FORMATS = ["wav", "mp3", "m4a"] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

const pathOverride = (doc: string) =>
  setting(z.string().startsWith("/").optional(), { doc, defaultLabel: "the profile's" });

export const siteSchema = z.strictObject({
  profile: setting(z.string().min(1).default(DEFAULT_PROFILE), {
    doc: "The site profile: a shipped one (flow-2026, producerai-2025) or the path of a profile JSON file.",
  }),
  baseUrl: setting(
    z
      .url({ protocol: /^https?$/ })
      .transform((url) => url.replace(/\/+$/, ""))
      .optional(),
    {
      doc: "Origin of the web app, when not the profile's (e.g. https://www.producer.ai for the same app).",
      defaultLabel: "the profile's",
    },
  ),
  paths: z
    .strictObject({
      studio: pathOverride("Path of the page where songs are made."),
      signIn: pathOverride("Path of the sign-in page."),
      library: pathOverride("Path of the song library."),
      song: pathOverride("Path of one song, with {id} for its clip id."),
    })
    .prefault({}),
  locators: setting(z.record(z.string(), locatorSchema).default({}), {
    doc: "Locators that replace the profile's, by key: a CSS string or { role, name } (JSON in the environment).",
  }),
  api: setting(z.record(z.string(), z.string().startsWith("/")).default({}), {
    doc: "API paths that replace the profile's, by key (JSON in the environment).",
  }),
  submenuPick: setting(z.enum(["pointer", "keyboard"]).optional(), {
    doc: "How submenu items are picked, when not the profile's way.",
    defaultLabel: "the profile's",
  }),
  timeouts: z
    .strictObject({
      navigationMs: milliseconds(30_000, "Page load / navigation timeout."),
      elementMs: milliseconds(15_000, "Wait for an element to appear."),
      replyMs: milliseconds(30_000, "Wait for the assistant's reply after submitting."),
      generationMs: milliseconds(120_000, "Wait for every song of a generation to finish."),
      downloadMs: milliseconds(60_000, "Wait for one download (export included)."),
      songStartMs: milliseconds(
        90_000,
        "After submitting, how long until a song must have started; then Generate is pressed once more.",
      ),
    })
    .prefault({}),
  pacing: z
    .strictObject({
      submitGapMinMs: milliseconds(2_500, "Least time between two submissions on one account."),
      submitGapMaxMs: milliseconds(5_000, "Most time between two submissions (a random gap in between is used)."),
      actionDelayMinMs: milliseconds(500, "Least human-like pause between page actions."),
      actionDelayMaxMs: milliseconds(2_000, "Most human-like pause between page actions."),
    })
    .prefault({})
    .refine((pacing) => pacing.submitGapMaxMs >= pacing.submitGapMinMs, {
      message: "a value at least site.pacing.submitGapMinMs",
      path: ["submitGapMaxMs"],
    })
    .refine((pacing) => pacing.actionDelayMaxMs >= pacing.actionDelayMinMs, {
      message: "a value at least site.pacing.actionDelayMinMs",
      path: ["actionDelayMaxMs"],
    }),
  downloadFormat: setting(z.enum(AUDIO_FORMATS).default("wav"), { doc: "Format downloaded for every song." }),
  submit: setting(z.enum(["ui", "api"]).default("ui"), {
    doc: "How a new compose song is sent: ui (the compose panel the user sees) or api (the app's own tool call, sent from inside the page).",
  }),
  songPrivacy: setting(z.enum(["public", "unlisted", "private"]).optional(), {
    doc: "Who may see each new song on the site, set once it is stored (one change per song; a failure only warns): public, unlisted or private. Unset leaves the site's own default (unlisted).",
    defaultLabel: "the site's",
  }),
});
