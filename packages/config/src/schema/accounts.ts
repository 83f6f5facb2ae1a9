import { z } from "zod";
import { setting } from "../setting.js";
import { milliseconds, secretText } from "./setting-shapes.js";

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

export const accountsSchema = z
  .array(accountSchema)
  .max(32)
  .refine((accounts) => new Set(accounts.map((account) => account.name)).size === accounts.length, {
    message: "account names must be unique",
  });

export const accountPoolSchema = z.strictObject({
  wallSecs: setting(z.number().int().min(1).default(1800), {
    doc: "How long an account stays behind a wall after a session expiry, a challenge, an empty balance or a rate limit (a new login state or a refilled balance lifts it sooner).",
  }),
  creditsMaxAgeSecs: setting(z.number().int().min(0).default(600), {
    doc: "A balance older than this is read again before an account is picked.",
  }),
  stateKey: secretText(
    32,
    "The key (32 characters or more, e.g. `openssl rand -base64 32`) that encrypts each account's login state in PostgreSQL, where every daemon of a fleet reads it; required with PostgreSQL.",
  ),
  ownerLeaseMs: milliseconds(
    15_000,
    "With PostgreSQL, how long a daemon's ownership of an account lasts without a heartbeat (renewed every third of it); another daemon configured for the account takes it over once it lapses.",
  ),
});
