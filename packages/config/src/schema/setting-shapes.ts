import { z } from "zod";
import { setting } from "../setting.js";

/** A duration in milliseconds: a whole number from 0 to one hour. */
export const milliseconds = (defaultMs: number, doc: string) =>
  setting(z.number().int().min(0).max(3_600_000).default(defaultMs), { doc });

/** A file or folder on this machine; when unset, what `defaultLabel` describes. */
export const localPath = (doc: string, defaultLabel: string) =>
  setting(z.string().min(1).optional(), { doc, defaultLabel });

/** Optional text that is never read from a config file and is masked wherever it is printed. */
export const secretText = (minLength: number, doc: string) =>
  setting(z.string().min(minLength).optional(), { doc, secret: true });
