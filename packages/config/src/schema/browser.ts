import { z } from "zod";
import { setting } from "../setting.js";
import { localPath, milliseconds } from "./setting-shapes.js";

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

export const browserSchema = z.strictObject({
  executablePath: localPath(
    "Chromium executable; found on the machine when unset.",
    "auto: /usr/bin/chromium, chromium-browser, google-chrome",
  ),
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
  studioReuseMs: milliseconds(
    600_000,
    "A page that loaded the studio this recently, and whose last job ended well, takes the next job as it stands (its login checked by an in-page call) instead of loading the studio again; 0 loads it for every job.",
  ),
  launchTimeoutMs: milliseconds(30_000, "Chromium launch timeout."),
  trace: setting(z.boolean().default(false), { doc: "Record a Playwright trace of each generation, kept on failure." }),
});
