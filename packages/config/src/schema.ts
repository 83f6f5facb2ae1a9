import { z } from "zod";
import { setting } from "./setting.js";
import type { ResolvedSite } from "./resolve-site.js";

import { locatorSchema } from "./site-profile.js";
import { DEFAULT_PROFILE } from "./profiles/index.js";

const milliseconds = (defaultMs: number, doc: string) =>
  setting(z.number().int().min(0).max(3_600_000).default(defaultMs), { doc });

export const AUDIO_FORMATS = ["wav", "mp3", "m4a"] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

/** Chromium flags that turn off protections the site and the machine rely on; refused wherever they appear. */
export const FORBIDDEN_BROWSER_ARGS = ["--single-process", "--disable-web-security", "--no-zygote"] as const;

export const DEFAULT_BROWSER_ARGS = [
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-default-apps",
  "--disable-dev-shm-usage",
  "--disable-sync",
  "--no-first-run",
  "--mute-audio",
];

/** Placeholders a storage key template may use. */
export const KEY_TEMPLATE_FIELDS = [
  "user_id",
  "project_id",
  "generation_id",
  "job_id",
  "song_index",
  "filename",
  "format",
  "date",
] as const;

const keyTemplate = (defaultTemplate: string, doc: string) =>
  setting(
    z
      .string()
      .min(1)
      .max(512)
      .refine((template) => !template.startsWith("/") && !template.split("/").includes(".."), {
        message: "a relative key without '..' segments",
      })
      .refine(
        (template) =>
          [...template.matchAll(/\{([^}]*)\}/g)].every((match) =>
            (KEY_TEMPLATE_FIELDS as readonly string[]).includes(match[1] ?? ""),
          ),
        { message: `a template using only {${KEY_TEMPLATE_FIELDS.join("}, {")}}` },
      )
      .refine((template) => template.includes("{filename}"), { message: "a template containing {filename}" })
      .default(defaultTemplate),
    { doc },
  );

const pathOverride = (doc: string) =>
  setting(z.string().startsWith("/").optional(), { doc, defaultLabel: "the profile's" });

const siteSchema = z.strictObject({
  profile: setting(z.string().min(1).default(DEFAULT_PROFILE), {
    doc: "The site profile: a shipped one (flow-2026, producerai-2025) or the path of a profile JSON file.",
  }),
  baseUrl: setting(
    z
      .url({ protocol: /^https?$/ })
      .transform((url) => url.replace(/\/+$/, ""))
      .optional(),
    { doc: "Origin of the web app, when not the profile's (e.g. https://www.producer.ai for the same app).", defaultLabel: "the profile's" },
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
      generationMs: milliseconds(
        120_000,
        "Wait for every song of a generation to finish.",
      ),
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
});

const browserSchema = z.strictObject({
  executablePath: setting(z.string().min(1).optional(), {
    doc: "Chromium executable; found on the machine when unset.",
    defaultLabel: "auto: /usr/bin/chromium, chromium-browser, google-chrome",
  }),
  headless: setting(z.boolean().default(true), { doc: "Run Chromium without a window." }),
  args: setting(
    z
      .array(z.string().startsWith("--"))
      .refine((args) => !args.some((arg) => FORBIDDEN_BROWSER_ARGS.some((flag) => arg.split("=")[0] === flag)), {
        message: `flags without ${FORBIDDEN_BROWSER_ARGS.join(", ")}`,
      })
      .default(DEFAULT_BROWSER_ARGS),
    { doc: "Extra Chromium flags (comma-separated in the environment)." },
  ),
  pageCount: setting(z.number().int().min(1).max(16).default(2), {
    doc: "Pages kept open for generations: the most that run at once on one account.",
  }),
  recycleAfterGenerations: setting(z.number().int().min(1).default(25), {
    doc: "A page is closed and replaced after this many generations.",
  }),
  renewContextAfterGenerations: setting(z.number().int().min(1).default(50), {
    doc: "The browser context (cookies carried over) is replaced after this many generations: Playwright keeps every download of a context until it closes.",
  }),
  idleCloseSecs: setting(z.number().int().min(0).default(900), {
    doc: "Close idle pages after this long (0 keeps them open).",
  }),
  launchTimeoutMs: milliseconds(30_000, "Chromium launch timeout."),
  trace: setting(z.boolean().default(false), { doc: "Record a Playwright trace of each generation, kept on failure." }),
});

const pathsSchema = z.strictObject({
  dataDir: setting(z.string().min(1).optional(), {
    doc: "Where producer keeps its state; created with mode 0700.",
    defaultLabel: "$XDG_DATA_HOME/producer or ~/.producer",
  }),
  downloadsDir: setting(z.string().min(1).optional(), {
    doc: "Where songs are downloaded before upload.",
    defaultLabel: "<dataDir>/downloads",
  }),
  artifactsDir: setting(z.string().min(1).optional(), {
    doc: "Screenshots, HTML and traces of failed generations.",
    defaultLabel: "<dataDir>/artifacts",
  }),
  stateFile: setting(z.string().min(1).optional(), {
    doc: "The browser login state (cookies); written with mode 0600.",
    defaultLabel: "<dataDir>/state.json",
  }),
});

const s3Schema = z.strictObject({
  bucket: setting(z.string().min(3).max(63).optional(), {
    doc: "Bucket for generated audio; setting it selects S3 storage.",
  }),
  region: setting(z.string().min(1).default("us-east-1"), { doc: "Bucket region." }),
  endpoint: setting(z.url({ protocol: /^https?$/ }).optional(), {
    doc: "S3-compatible endpoint (MinIO, R2, a local server); AWS when unset.",
  }),
  forcePathStyle: setting(z.boolean().default(false), { doc: "Path-style URLs (needed by most S3-compatible servers)." }),
  checksums: setting(z.enum(["when-supported", "when-required"]).default("when-supported"), {
    doc: "Request checksums; 'when-required' for servers that do not understand the SDK's default framing.",
  }),
  prefix: setting(z.string().max(256).default(""), { doc: "Prefix put before every key." }),
  accessKeyId: setting(z.string().min(1).optional(), {
    doc: "Access key id; the standard AWS credential chain is used when unset.",
    secret: true,
  }),
  secretAccessKey: setting(z.string().min(1).optional(), {
    doc: "Secret access key; the standard AWS credential chain is used when unset.",
    secret: true,
  }),
});

const storageSchema = z.strictObject({
  driver: setting(z.enum(["auto", "s3", "local"]).default("auto"), {
    doc: "'auto' is S3 when a bucket is set, local otherwise.",
  }),
  s3: s3Schema.prefault({}),
  localDir: setting(z.string().min(1).optional(), {
    doc: "Folder of the local storage driver.",
    defaultLabel: "<dataDir>/storage",
  }),
  keyTemplates: z
    .strictObject({
      audio: keyTemplate(
        "users/{user_id}/projects/music-clip/{project_id}/audio/{filename}",
        "Key of a song when the user and project are known.",
      ),
      generic: keyTemplate(
        "music/generated/{generation_id}/{filename}",
        "Key of a song when the user or project is missing.",
      ),
      tracks: keyTemplate(
        "users/{user_id}/projects/music-clip/{project_id}/tracks/{filename}",
        "Key of a track exported into a project.",
      ),
    })
    .prefault({}),
});

const databaseSchema = z.strictObject({
  url: setting(
    z
      .string()
      .min(1)
      .refine((url) => /^(sqlite:|postgres:\/\/|postgresql:\/\/|file:|\/|\.)/.test(url) || !url.includes("://"), {
        message: "a SQLite file path, sqlite:<path>, or a postgres:// URL",
      })
      .optional(),
    { doc: "Job queue and track store: a SQLite file or postgres:// URL.", defaultLabel: "sqlite:<dataDir>/producer.db" },
  ),
  poolSize: setting(z.number().int().min(2).max(100).default(10), {
    doc: "PostgreSQL: connections this process keeps open at most (each daemon has its own pool).",
  }),
  sqliteSynchronous: setting(z.enum(["normal", "full"]).default("normal"), {
    doc: "SQLite durability: `normal` (WAL; a power loss may drop the last commits, never corrupts) or `full` (every commit synced to disk; slower submits).",
  }),
});

const daemonSchema = z.strictObject({
  socketPath: setting(z.string().min(1).max(107).optional(), {
    doc: "Unix socket the daemon listens on and the client connects to.",
    defaultLabel: "<dataDir>/producer.sock",
  }),
  host: setting(z.string().min(1).default("127.0.0.1"), {
    doc: "TCP host; anything but loopback needs a configured token.",
  }),
  port: setting(z.number().int().min(0).max(65_535).optional(), { doc: "TCP port; no TCP listener when unset." }),
  token: setting(z.string().min(16).optional(), {
    doc: "Bearer token every request must carry (at least 16 characters). When the daemon listens on TCP without one, it makes one at first start and keeps it in `<dataDir>/daemon-token` (mode 0600), where the CLI and the client find it.",
    secret: true,
  }),
  allowedHosts: setting(z.array(z.string().min(1).max(253)).default([]), {
    doc: "Other names the daemon answers to over TCP (`host` or `host:port`, e.g. behind a reverse proxy), besides `127.0.0.1`, `localhost` and `[::1]` on its port. A request whose Host or Origin names anything else is refused (DNS rebinding).",
  }),
  maxEventStreams: setting(z.number().int().min(1).max(100_000).default(4000), {
    doc: "Event streams (`/v1/generations/<id>/events`) open at once; past it a new one gets 429.",
  }),
  maxEventStreamsPerClient: setting(z.number().int().min(1).max(100_000).default(1000), {
    doc: "Event streams one client (one remote address, or the socket's owner) may hold open at once; past it 429.",
  }),
  signInAttemptsPerMinute: setting(z.number().int().min(1).max(10_000).default(10), {
    doc: "Status page sign-in attempts a client may make in a minute; past it 429.",
  }),
  bodyLimitBytes: setting(z.number().int().min(1024).default(256 * 1024), { doc: "Largest accepted request body." }),
  shutdownGraceMs: milliseconds(30_000, "On SIGTERM, how long running jobs may take to finish."),
  statusPage: setting(z.boolean().default(true), {
    doc: "Serve the status page at `/` (queue, jobs, songs with players, accounts), behind the same token.",
  }),
  mcp: setting(z.boolean().default(true), {
    doc: "Serve the MCP server (Streamable HTTP) at `/mcp`, behind the same token.",
  }),
  mcpMaxWaitSecs: setting(z.number().int().min(1).max(3600).default(600), {
    doc: "The longest an MCP tool (`wait_for_generation`, `generate_music` with `waitSecs`) may wait for a job.",
  }),
  legacyRoutes: setting(z.boolean().default(false), {
    doc: "Also serve the earlier service's HTTP routes (`<legacyPrefix>/generate`, `/files`, `/music-clip/*`), behind the same token.",
  }),
  legacyPrefix: setting(
    z
      .string()
      .regex(/^(\/[A-Za-z0-9._~-]+)+$/, { message: "a path such as /api/ai/producer (no trailing slash)" })
      .default("/api/ai/producer"),
    { doc: "Where the earlier routes live; the music-clip routes are under `<legacyPrefix>/music-clip`." },
  ),
  legacyUserHeader: setting(
    z
      .string()
      .regex(/^[A-Za-z0-9-]+$/, { message: "an HTTP header name" })
      .transform((name) => name.toLowerCase())
      .default("x-user-id"),
    { doc: "The header carrying the requesting user's id on the earlier routes (else the body's `user_id`)." },
  ),
});

const queueSchema = z.strictObject({
  concurrency: setting(z.number().int().min(1).max(16).default(1), {
    doc: "Jobs a worker runs at once (bounded by browser.pageCount).",
  }),
  maxQueued: setting(z.number().int().min(1).default(1000), {
    doc: "Jobs waiting at once; more are refused with QUEUE_FULL.",
  }),
  maxAttempts: setting(z.number().int().min(1).max(20).default(3), { doc: "Tries of one job before it fails." }),
  backoffBaseMs: milliseconds(2_000, "First retry delay; doubled each attempt, with full jitter."),
  backoffMaxMs: milliseconds(120_000, "Longest retry delay."),
  leaseMs: milliseconds(
    10_000,
    "A running job's lease: its worker renews it every third of this while it works (a heartbeat); a daemon that stops renewing (killed, frozen, cut off from the database) loses its jobs after this long, and another daemon takes each over from its submission record, never submitting again.",
  ),
  pollIntervalMs: milliseconds(500, "How often an idle worker looks for work."),
  pauseRecheckMs: milliseconds(
    30_000,
    "While a session problem (expired, challenge, quota) pauses the queue, the first wait before the session is checked again; each further wait doubles, up to pauseRecheckMaxMs. A check reads the balance through the page already open on the site and loads nothing.",
  ),
  pauseRecheckMaxMs: milliseconds(300_000, "The longest wait between two checks of a paused queue."),
  directWaitMs: milliseconds(
    300_000,
    "How long a direct (useQueue: false) call waits before handing back the still-running job.",
  ),
});

/** `example.com`, `example.com:8443`, `[::1]:8080`: what a URL's host part may hold, and nothing more. */
function isHostEntry(entry: string): boolean {
  return entry !== "" && !/[\s/?#@\\]/.test(entry) && URL.canParse(`http://${entry}`);
}

const webhooksSchema = z.strictObject({
  secret: setting(z.string().min(16).optional(), {
    doc: "Key of the HMAC-SHA256 signature on webhook deliveries (at least 16 characters); unsigned when unset.",
    secret: true,
  }),
  maxAttempts: setting(z.number().int().min(1).max(20).default(5), { doc: "Tries of one webhook delivery." }),
  timeoutMs: milliseconds(10_000, "Time one webhook delivery may take."),
  allowPrivateAddresses: setting(z.boolean().default(false), {
    doc: "Deliver to loopback, private and link-local addresses too (a receiver on this machine or LAN); metadata addresses stay refused.",
  }),
  allowedHosts: setting(
    z.array(z.string().refine(isHostEntry, { message: "a host name or host:port, without a scheme, user or path" })).default([]),
    {
      doc: "Host names or host:port that may receive webhooks (comma-separated in the environment); when any are set, only those do, and the address checks still apply.",
    },
  ),
});

const sessionSchema = z.strictObject({
  checkCacheSecs: setting(z.number().int().min(0).default(300), {
    doc: "How long a successful login check is trusted.",
  }),
  expiryWarningSecs: setting(z.number().int().min(0).default(86_400), {
    doc: "Warn (session check, /readyz, doctor, logs) when the saved login ends within this long.",
  }),
  email: setting(z.string().min(3).optional(), {
    doc: "Account email for automatic re-login (optional).",
    secret: true,
  }),
  password: setting(z.string().min(1).optional(), {
    doc: "Account password for automatic re-login (optional).",
    secret: true,
  }),
});

/** An account name: used in file names, metrics labels and URLs. */
export const ACCOUNT_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

const accountSchema = z.strictObject({
  name: z.string().regex(ACCOUNT_NAME, "lowercase letters, digits, - and _, at most 40"),
  /** Its own login state file (0600); `<dataDir>/accounts/<name>.json` by default. */
  stateFile: z.string().min(1).optional(),
  /** A shipped profile (or a profile file) for this account's site, instead of `site.profile`. */
  profile: z.string().min(1).optional(),
  /** The most generations that run at once on this account; `browser.pageCount` by default. */
  maxConcurrency: z.number().int().min(1).max(16).optional(),
  /** A heavier account is picked more often (least recently used, weighted). */
  weight: z.number().positive().max(1000).default(1),
  /** A paused account takes no new job. */
  paused: z.boolean().default(false),
});

const accountsSchema = z
  .array(accountSchema)
  .max(32)
  .refine((accounts) => new Set(accounts.map((account) => account.name)).size === accounts.length, {
    message: "account names must be unique",
  });

const accountPoolSchema = z.strictObject({
  wallSecs: setting(z.number().int().min(1).default(1800), {
    doc: "How long an account stays behind a wall after a session expiry, a challenge, an empty balance or a rate limit (a new login state or a refilled balance lifts it sooner).",
  }),
  creditsMaxAgeSecs: setting(z.number().int().min(0).default(600), {
    doc: "A balance older than this is read again before an account is picked.",
  }),
});

const logSchema = z.strictObject({
  level: setting(z.enum(["silent", "fatal", "error", "warn", "info", "debug", "trace"]).default("info"), {
    doc: "Log level.",
  }),
});

export const configSchema = z.strictObject({
  enabled: setting(z.boolean().default(true), { doc: "Turns the ProducerAI integration on or off." }),
  site: siteSchema.prefault({}),
  browser: browserSchema.prefault({}),
  paths: pathsSchema.prefault({}),
  storage: storageSchema.prefault({}),
  database: databaseSchema.prefault({}),
  daemon: daemonSchema.prefault({}),
  queue: queueSchema.prefault({}),
  webhooks: webhooksSchema.prefault({}),
  session: sessionSchema.prefault({}),
  accounts: setting(accountsSchema.default([]), {
    doc: 'Several accounts in one daemon (JSON in the environment): `[{ "name", "stateFile"?, "profile"?, "maxConcurrency"?, "weight"?, "paused"? }]`; none means one account, `default`, on paths.stateFile.',
    env: "PRODUCER_ACCOUNTS",
  }),
  accountPool: accountPoolSchema.prefault({}),
  log: logSchema.prefault({}),
});

/** Settings as written by a user: every key optional. */
export type ProducerConfigInput = z.input<typeof configSchema>;
type Parsed = z.output<typeof configSchema>;

/** Settings once resolved: defaults applied and every path made absolute. */
/** One account as the daemon uses it: its file, its site and its limits resolved. */
export interface AccountConfig {
  name: string;
  stateFile: string;
  site: ResolvedSite;
  maxConcurrency: number;
  weight: number;
  paused: boolean;
  /** Declared in `accounts`, rather than the implicit `default` account of a single-account setup. */
  declared: boolean;
}

export type ProducerConfig = Omit<Parsed, "site" | "paths" | "storage" | "database" | "daemon" | "accounts"> & {
  /** Never empty: without `accounts`, the one implicit account `default`. */
  accounts: AccountConfig[];
  site: ResolvedSite;
  paths: Required<Parsed["paths"]>;
  storage: Omit<Parsed["storage"], "driver" | "localDir"> & { driver: "s3" | "local"; localDir: string };
  database: { url: string; dialect: "sqlite" | "postgres"; poolSize: number; sqliteSynchronous: "normal" | "full" };
  /** `tokenFile`: where the token made for a TCP listener without a configured one is kept (0600). */
  daemon: Omit<Parsed["daemon"], "socketPath"> & { socketPath: string; tokenFile: string };
};

export type ParsedConfig = Parsed;
