import { z } from "zod";
import { answerShapesSchema } from "./answer-shapes.js";

/**
 * Where one thing on the page is found. A plain string is any Playwright selector (CSS, `text=…`, `xpath=…`);
 * `{ role, name }` is an ARIA role with its accessible name, as `getByRole` finds it; `{ after, tag }` is the first
 * `tag` element after an element whose text is `after` (inputs that follow a label). `{title}`-style placeholders
 * in any string are filled at run time.
 */
const singleLocatorSchema = z.union([
  z.string().min(1),
  z.strictObject({ css: z.string().min(1) }),
  z.strictObject({
    role: z.string().min(1),
    name: z.string().min(1).optional(),
    /** Whole-name match; by default the name is matched case-insensitively as a substring. */
    exact: z.boolean().optional(),
    /** The accessible name starts with `name` (a model button named "Lyria 3.5" by its child span). */
    startsWith: z.boolean().optional(),
  }),
  z.strictObject({
    after: z.string().min(1),
    tag: z
      .string()
      .regex(/^[a-z]+$/)
      .default("input"),
  }),
  z.strictObject({ text: z.string().min(1), exact: z.boolean().optional() }),
]);

export const locatorSchema = z.union([
  singleLocatorSchema,
  /** Any of several locators (several names one dialog's button may have). */
  z.strictObject({ any: z.array(singleLocatorSchema).min(1) }),
]);
export type LocatorSpec = z.output<typeof locatorSchema>;

/** The strategies the site driver knows; a profile names the one its page needs. */
export const SITE_FLOWS = ["compose-2026", "chat-2025"] as const;
export type SiteFlow = (typeof SITE_FLOWS)[number];

/** The `generateMusic` controls a profile can say its site has. */
export const SITE_CONTROLS = [
  "lyrics",
  "instrumental",
  "model",
  "bpm",
  "durationSecs",
  "seed",
  "title",
  "mode",
  "stems",
  // A new song seeded with a clip of the library (`referenceClipId`), asked by chat.
  "reference",
] as const;
export type SiteControl = (typeof SITE_CONTROLS)[number];

export const GENERATION_MODES = ["compose", "chat"] as const;
export type GenerationMode = (typeof GENERATION_MODES)[number];

/** What each flow cannot work without: paths, locators and API paths. A profile missing one is refused. */
export const FLOW_NEEDS: Record<SiteFlow, { paths: string[]; locators: string[]; api: string[] }> = {
  "compose-2026": {
    paths: ["studio", "signIn", "library", "song"],
    locators: [
      "composeToggle",
      "soundDescription",
      "lyricsInput",
      "instrumentalSwitch",
      "advancedSwitch",
      "bpmInput",
      "lengthInput",
      "seedInput",
      "modelButton",
      "modelOption",
      "detailsToggle",
      "titleInput",
      "generateButton",
      "chatInput",
      "chatSend",
      "songLink",
      "moreOptions",
      "menuDownload",
      "formatWav",
      "formatMp3",
      "formatM4a",
      "splitStems",
      "consentAgree",
      "dialogClose",
      "busy",
      "loginWall",
      "challenge",
      "outOfCredits",
    ],
    api: ["credits", "compose", "chat", "stream", "status", "clips", "recentClips", "download"],
  },
  "chat-2025": {
    paths: ["studio", "signIn", "song"],
    locators: [
      "promptInput",
      "reply",
      "songCard",
      "songCardPending",
      "songCardFailed",
      "songTitle",
      "songLink",
      "moreOptionsButton",
      "menuDownload",
      "formatWav",
      "formatMp3",
      "formatM4a",
      "dialogClose",
      "loginWall",
      "challenge",
      "outOfCredits",
    ],
    api: [],
  },
};

/** Where a song's menu may be: see `menus.find`. */
export const MENU_PLACES = ["aria-controls", "in-row", "popup"] as const;
export type MenuPlace = (typeof MENU_PLACES)[number];

const ms = () => z.number().int().min(0).max(3_600_000);

const toolCallsSchema = z.strictObject({
  /** Sent as the call's `client_context`, every time (the site reads the chosen model and lyrics from it). */
  clientContext: z.record(z.string(), z.unknown()).default({}),
  /** The `node_type` of each recipe or graph node the operations send. */
  nodes: z
    .strictObject({
      input: z.string().min(1).default("Input"),
      output: z.string().min(1).default("Output"),
      extend: z.string().min(1).default("ExtendSection"),
      replace: z.string().min(1).default("ReplaceSection"),
      cover: z.string().min(1).default("CoverSong"),
      trim: z.string().min(1).default("Trim"),
      speed: z.string().min(1).default("TempoShift"),
    })
    .prefault({}),
  /**
   * A new song with a clip of the library as its reference track: a chat message worded from these templates
   * (`{prompt}`, `{lyrics}`, `{length}` as m:ss), sent with `clientContext` (`{clipId}` is the reference) laid over
   * the calls' own, and `chat` beside the message's parts.
   */
  reference: z
    .strictObject({
      message: z.string().min(1),
      lyrics: z.string().min(1),
      instrumental: z.string().min(1),
      length: z.string().min(1),
      clientContext: z.record(z.string(), z.unknown()),
      chat: z.record(z.string(), z.unknown()).default({}),
    })
    .optional(),
});

/** One site profile: everything the driver knows of one generation of the site, as one JSON document. */
export const siteProfileSchema = z
  .strictObject({
    name: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/, "a lower-case name such as flow-2026"),
    description: z.string().optional(),
    flow: z.enum(SITE_FLOWS),
    baseUrl: z.url({ protocol: /^https?$/ }).transform((url) => url.replace(/\/+$/, "")),
    /** Page paths; `{id}` in `song` is a clip id. */
    paths: z.record(z.string(), z.string().startsWith("/")),
    locators: z.record(z.string(), locatorSchema),
    /**
     * Paths of the page's own JSON API that the driver reads (as the page calls them, or fetched inside it);
     * `authRefresh` is Supabase's token endpoint, watched so every rotation of the login is saved.
     */
    api: z.record(z.string(), z.string().startsWith("/")).default({}),
    menus: z
      .strictObject({
        /** How a submenu item is picked: a pointer click, or keyboard focus and Enter (Radix menus need keyboard). */
        submenuPick: z.enum(["pointer", "keyboard"]).default("pointer"),
        /**
         * Where a song's menu is looked for, in order: the element its trigger names in `aria-controls`, a `menu`
         * or bare `item`s inside the song's own row or card, the newest visible `menu` (a popup).
         */
        find: z
          .array(z.enum(MENU_PLACES))
          .min(1)
          .default([...MENU_PLACES]),
        /** What a menu is on this page: a song's menu, its Download submenu, the model picker. */
        menu: locatorSchema.default({ role: "menu" }),
        /** What a menu's item is: a song's row holding such items is its own menu. */
        item: locatorSchema.default({ role: "menuitem" }),
      })
      .prefault({}),
    /** The page's tool names, as its generation calls and their streams carry them. */
    tools: z
      .strictObject({
        createSong: z.string().min(1).default("audio__create_song"),
        splitStems: z.string().min(1).default("audio__split_stems"),
        /** Renders an edit recipe (extend, replace, cover) into new clips; absent where the site has none. */
        renderEdit: z.string().min(1).optional(),
        /** Applies an effect graph (trim, tempo) to a clip; absent where the site has none. */
        applyEffect: z.string().min(1).optional(),
        /** Makes an image (`{ prompt, aspect_ratio, image_urls: null }` → `{ image_url }`). */
        createImage: z.string().min(1).optional(),
        /** Writes lyrics for a prompt (`{ prompt }` → `{ title, lyrics }`); absent where the site has none. */
        lyricsCreate: z.string().min(1).optional(),
        /** Registers lyrics for an edit (`{ lyrics }` → `{ lyrics_id }`). */
        lyricsRegister: z.string().min(1).optional(),
        /** Rewrites registered lyrics (`{ prompt, lyrics_id }` → `{ lyrics }`). */
        lyricsEdit: z.string().min(1).optional(),
        /** Describes a song's audio (`{ prompt, audio_url }` → `{ caption }`); absent where the site has none. */
        caption: z.string().min(1).optional(),
        /** Transcribes the sung lyrics of a song's audio (`{ audio_url }` → `{ lyrics }`). */
        transcribe: z.string().min(1).optional(),
        /** Reads a song's metadata (`{ clip_id }` → metadata with `model_display_name`). */
        songMetadata: z.string().min(1).optional(),
      })
      .prefault({}),
    /**
     * What a tool call sent from inside the page carries besides its tool and arguments, as the app's own code
     * sends it: the `client_context` object, and the node types of edit recipes and effect graphs. Absent where
     * the site takes no direct tool calls (the 2025 page): song operations are then refused up front.
     */
    toolCalls: toolCallsSchema.optional(),
    /**
     * The fields each JSON answer the driver reads is known to carry: an answer with a field not listed, or
     * without one listed as expected, is reported as drift. Absent: nothing is checked.
     */
    answers: answerShapesSchema.optional(),
    timeouts: z
      .strictObject({
        navigationMs: ms().optional(),
        elementMs: ms().optional(),
        replyMs: ms().optional(),
        generationMs: ms().optional(),
        downloadMs: ms().optional(),
        songStartMs: ms().optional(),
      })
      .prefault({}),
    controls: z.array(z.enum(SITE_CONTROLS)).default([]),
    modes: z.array(z.enum(GENERATION_MODES)).min(1).default(["chat"]),
    models: z.array(z.strictObject({ id: z.string().min(1), label: z.string().min(1) })).default([]),
    defaultModel: z.string().optional(),
    formats: z
      .array(z.enum(["wav", "mp3", "m4a"]))
      .min(1)
      .default(["wav", "mp3", "m4a"]),
    /** Credits one song costs, and songs one generation makes: a balance under their product is refused up front. */
    creditsPerSong: z.number().min(0).default(0),
    songsPerGeneration: z.number().int().min(1).default(2),
  })
  .superRefine((profile, context) => {
    const needs = FLOW_NEEDS[profile.flow];
    for (const [section, keys] of Object.entries(needs) as Array<[keyof typeof needs, string[]]>) {
      for (const key of keys) {
        if (!(key in profile[section])) {
          context.addIssue({ code: "custom", path: [section, key], message: `needed by the ${profile.flow} flow` });
        }
      }
    }
    if (profile.defaultModel && !profile.models.some((model) => model.id === profile.defaultModel)) {
      context.addIssue({ code: "custom", path: ["defaultModel"], message: "one of the profile's models" });
    }
  });

export type SiteProfileInput = z.input<typeof siteProfileSchema>;
export type SiteProfile = z.output<typeof siteProfileSchema>;
