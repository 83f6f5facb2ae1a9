import type { SiteVariantName } from "./variants.js";

export interface SimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Time from submission until the songs are ready; a few seconds by default, 0 for tests. */
  generationMs?: number;
  /** Time from submission until the assistant replies. */
  replyDelayMs?: number;
  songsPerGeneration?: number;
  /** Shortest and longest song, in seconds. */
  songDurationSecs?: readonly [number, number];
  /** Which generation of the site to serve: the 2026 Flow app (default), the 2025 page, or its renamed redesign. */
  variant?: SiteVariantName;
  /** The Flow app's status poll interval (the real page polls about every 3 s). */
  statusPollMs?: number;
  /** Credits a new account starts with (Flow app). */
  startingCredits?: number;
  /** Credits one song costs (Flow app). */
  creditsPerSong?: number;
  /** The email and password the sign-in form accepts. */
  credentials?: { email: string; password: string };
  /** Lifetime of a sign-in (2026 app: of its refresh token); the real site's is long. */
  sessionTtlSecs?: number;
  /** 2026 app: how long an access token lives (`expires_at`); the real one about an hour. */
  accessTokenTtlSecs?: number;
  /** 2026 app: how long a rotated refresh token may still be used (answering the same new pair), like Supabase's 10 s. */
  refreshReuseSecs?: number;
  /** 2026 app: time from a generation call to its tool-return on the stream (the only source of its ids). */
  toolReturnDelayMs?: number;
  /** 2026 app: the tool-return as a `part` event (status "final"), inside a `message` event's parts, or both. */
  streamParts?: "part" | "message" | "both";
  /** 2026 app: the tool-return's `content` as an object or as a JSON string. */
  toolReturnContent?: "object" | "string";
  /** 2026 app: a direct tool call's stream stays open after its tool-return instead of ending with complete/final. */
  directStreamStaysOpen?: boolean;
  /**
   * 2026 app: two songs as one operation (`clip_id` + `clip_id_b`), an A/B pair of two operations named in one
   * tool-return (`clip_id_b`, `a_b_test_id`), or an A/B pair as two tool-returns, one song each, sharing their
   * `a_b_test_id` ("ab-test-returns").
   */
  songPairs?: "one-operation" | "ab-test" | "ab-test-returns";
  /** 2026 app: the status answer also carries `clip_ids` and `progress` (which some clients see). */
  statusExtras?: boolean;
  /**
   * 2026 app: how a failed operation's status says so — a failing `status` with `error_type` / `error_message`
   * ("both"), the status alone ("status"), or the error fields alone beside a `status` of "complete" ("fields").
   */
  statusFailure?: "both" | "status" | "fields";
  /** 2026 app: how a failed song's clip says so — `duration.status` "failed", or `deleted_at` set ("deleted"). */
  clipFailure?: "duration" | "deleted";
  /** 2026 app: a done song's `wav_url` answers 404 for this long. */
  wavDelayMs?: number;
  /** 2026 app: library rows as <div> (default) or <li>. */
  libraryRows?: "div" | "li";
  /**
   * 2026 app: menus portaled to <body> as role=menu (Radix), or their items inline in the song's row. 2025 page:
   * "inline" leaves out the role=menu element around each card's menu items.
   */
  menuShape?: "portal" | "inline";
  /** 2026 app: latency added to every page load and library listing call. */
  pageCostMs?: number;
  /** 2026 app: how long after a page load the `promo-later` fault shows the promo dialog. */
  promoDelayMs?: number;
  /** 2026 app: audio is synthesized at most this long (a clip still reports its full length), so tests stay fast. */
  maxAudioSecs?: number;
  /** 2026 app: the `retry-after` of a 429 busy answer. */
  busyRetryAfterSecs?: number;
  /**
   * 2026 app: what `audio__render_edit`'s tool-return names its new clip by — `clip_outputs: [{ node_id, clip_id,
   * title }]` (FS, the default), a bare `clip_id` (DB's README), or both keys.
   */
  renderReturn?: "clip_outputs" | "clip_id" | "both";
  /**
   * 2026 app: credits an effect (`audio__apply_effect`) or a conversion (`audio__convert_format`) costs. The facts
   * do not price them (DB: "every edit that makes audio costs credits"); 0 by default.
   */
  creditsPerEffect?: number;
  /** 2026 app: how long an uploaded file's check takes (`upload-check-status` is `null`/`pending` meanwhile). */
  uploadCheckMs?: number;
  /** 2026 app: what the upload's answer names the new clip by — `clip_id`, `id` (facts: "`clip_id | id`"), or both. */
  uploadReturn?: "clip_id" | "id" | "both";
  /**
   * 2026 app: what removing an upload's vocals answers — `{ clip_id }` of a new clip ("new-clip"), or no id, the
   * upload kept as it is under its own (facts: "`{ clip_id }` (a new id, if any)").
   */
  removeVocalsReturn?: "new-clip" | "none";
  /** 2026 app: models the site lists beyond its own two (a newer site's), offered by `/models` and the picker. */
  newModels?: readonly string[];
  /** 2026 app: the public storage listener's port (another origin); 0 picks one. */
  storagePort?: number;
  /** How long an export takes while the `slow-export` fault is on. */
  slowExportMs?: number;
  /** The admin API's port (another listener, which the page cannot reach); 0 picks one. */
  adminPort?: number;
}

/** Every option given or defaulted, less the ports and with the credentials: what `RunningSimulator.settings` holds. */
export type SimulatorSettings = Required<
  Omit<SimulatorOptions, "port" | "adminPort" | "storagePort" | "credentials">
> & {
  credentials: { email: string; password: string };
};

/** The options with their defaults filled in. */
export function settingsFrom(options: SimulatorOptions): SimulatorSettings {
  const generationMs = options.generationMs ?? 3000;
  return {
    generationMs,
    replyDelayMs: options.replyDelayMs ?? Math.min(500, Math.floor(generationMs / 3)),
    songsPerGeneration: options.songsPerGeneration ?? 2,
    songDurationSecs: options.songDurationSecs ?? [2, 4],
    variant: options.variant ?? "flow-2026",
    statusPollMs: options.statusPollMs ?? 3000,
    startingCredits: options.startingCredits ?? 500,
    creditsPerSong: options.creditsPerSong ?? 5,
    credentials: options.credentials ?? { email: "producer@example.test", password: "correct horse battery" },
    sessionTtlSecs: options.sessionTtlSecs ?? 7 * 24 * 3600,
    slowExportMs: options.slowExportMs ?? 3000,
    accessTokenTtlSecs: options.accessTokenTtlSecs ?? 3600,
    refreshReuseSecs: options.refreshReuseSecs ?? 10,
    toolReturnDelayMs: options.toolReturnDelayMs ?? 300,
    streamParts: options.streamParts ?? "both",
    toolReturnContent: options.toolReturnContent ?? "object",
    directStreamStaysOpen: options.directStreamStaysOpen ?? false,
    songPairs: options.songPairs ?? "one-operation",
    statusExtras: options.statusExtras ?? false,
    statusFailure: options.statusFailure ?? "both",
    clipFailure: options.clipFailure ?? "duration",
    wavDelayMs: options.wavDelayMs ?? 0,
    libraryRows: options.libraryRows ?? "div",
    menuShape: options.menuShape ?? "portal",
    pageCostMs: options.pageCostMs ?? 0,
    promoDelayMs: options.promoDelayMs ?? 2000,
    maxAudioSecs: options.maxAudioSecs ?? 8,
    busyRetryAfterSecs: options.busyRetryAfterSecs ?? 5,
    renderReturn: options.renderReturn ?? "clip_outputs",
    creditsPerEffect: options.creditsPerEffect ?? 0,
    uploadCheckMs: options.uploadCheckMs ?? 1000,
    uploadReturn: options.uploadReturn ?? "clip_id",
    newModels: options.newModels ?? [],
    removeVocalsReturn: options.removeVocalsReturn ?? "new-clip",
  };
}

/** The settings the admin API's `PATCH /settings` may change while the simulator runs. */
export const LIVE_SETTINGS = [
  "generationMs",
  "replyDelayMs",
  "songsPerGeneration",
  "slowExportMs",
  "variant",
  "statusPollMs",
  "creditsPerSong",
  "accessTokenTtlSecs",
  "refreshReuseSecs",
  "toolReturnDelayMs",
  "streamParts",
  "toolReturnContent",
  "directStreamStaysOpen",
  "songPairs",
  "statusExtras",
  "statusFailure",
  "clipFailure",
  "wavDelayMs",
  "libraryRows",
  "menuShape",
  "pageCostMs",
  "promoDelayMs",
  "maxAudioSecs",
  "busyRetryAfterSecs",
  "renderReturn",
  "creditsPerEffect",
  "uploadCheckMs",
  "uploadReturn",
  "newModels",
  "removeVocalsReturn",
] as const satisfies ReadonlyArray<keyof SimulatorSettings>;
