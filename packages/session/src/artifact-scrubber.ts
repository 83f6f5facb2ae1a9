import { strToU8, unzipSync, zipSync, type Zippable } from "fflate";
import { AUTH_COOKIE_PATTERN } from "./login-state.js";

/** What a secret, or a value redacted by its name, is replaced with in text. */
export const REDACTED = "[redacted]";

/**
 * Values shorter than this are not looked for: no credential is that short, and replacing every `true` or `en`
 * of a page would wreck the snapshot (and, in a binary entry, bytes that happen to match).
 */
export const MIN_SECRET_CHARS = 8;

/** Headers whose value is a credential whatever it holds. */
const SECRET_HEADERS = ["cookie", "set-cookie", "authorization", "proxy-authorization", "x-api-key"];

/** JSON fields of OAuth / Supabase answers whose value is a credential. */
const SECRET_FIELDS = ["access_token", "refresh_token", "provider_token", "provider_refresh_token", "id_token"];

/**
 * URL query (and form) parameters that carry credentials: `token`, `access_token`, `authToken`, `code`,
 * `auth_code`, `key`, `api_key`, `apikey`, `signature`, `X-Amz-Signature`, `sig`. `code` and `key` only alone or
 * after a separator, so `postcode` and `monkey` stay.
 */
const SECRET_PARAM = /^(?:[a-z0-9]+[_.-])*(?:[a-z0-9]*token|code|key|apikey|signature|sig)$/i;

/** Object keys that name a credential: `token`, `csrfToken`, `session_token`, `password`, `client_secret`. */
const SECRET_KEY = /^(?:[a-z0-9]+[_.-])*(?:[a-z0-9]*token|password|secret)$/i;

const isSecretHeader = (name: string) => SECRET_HEADERS.includes(name.toLowerCase());
const isSecretField = (name: string) => SECRET_FIELDS.includes(name.toLowerCase());
/** A JSON object key whose string value must go. */
const isSecretKey = (name: string) => isSecretHeader(name) || isSecretField(name) || SECRET_KEY.test(name);
/** A `{ name, value }` pair (HAR headers, cookies, query strings, form params) whose value must go. */
const isSecretPairName = (name: string) =>
  isSecretHeader(name) || isSecretField(name) || SECRET_PARAM.test(name) || AUTH_COOKIE_PATTERN.test(name);

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The forms a secret takes in what a browser records: as is, percent-encoded (a URL, a cookie the page
 * wrote), and escaped once or twice for JSON (a request body kept as a string inside the trace's JSON).
 */
function variantsOf(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [secret, encodeURIComponent(secret), json, JSON.stringify(json).slice(1, -1)];
}

/**
 * Rewrites text, and the bytes and zips of failure artifacts, so no credential remains: the known secret values
 * wherever they appear, and whatever sits under a credential's name (headers, token fields, URL parameters,
 * `Bearer …`, Supabase auth cookies) even when its value is not known — the refresh token rotates, so a trace
 * that spans a job holds values older than any saved state.
 */
export class ArtifactScrubber {
  /** Every form of every secret, longest first: a joined cookie value goes before the chunks inside it. */
  readonly needles: readonly string[];
  private readonly needleBytes: readonly Buffer[];

  constructor(secrets: Iterable<string>) {
    const needles = new Set<string>();
    for (const secret of secrets) {
      if (typeof secret !== "string" || secret.length < MIN_SECRET_CHARS) continue;
      for (const variant of variantsOf(secret)) needles.add(variant);
    }
    this.needles = [...needles].sort((a, b) => b.length - a.length);
    this.needleBytes = this.needles.map((needle) => Buffer.from(needle, "utf8"));
  }

  /** Text with every secret and every value under a credential's name replaced by `[redacted]`. */
  scrubText(text: string): string {
    let out = text;
    for (const needle of this.needles) if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    return redactByName(out);
  }

  /**
   * Bytes with every secret overwritten in place by `*`s of the same length: offsets and lengths inside a binary
   * format stay valid. Returns the same array when nothing was found.
   */
  scrubBytes(bytes: Uint8Array): Uint8Array {
    let out: Buffer | undefined;
    for (const needle of this.needleBytes) {
      const view = out ?? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      let at = view.indexOf(needle);
      if (at === -1) continue;
      out ??= Buffer.from(bytes);
      for (; at !== -1; at = out.indexOf(needle, at + needle.length)) out.fill(0x2a, at, at + needle.length);
    }
    return out ?? bytes;
  }

  /** A file's content: text (valid UTF-8 without NULs) is scrubbed as text, anything else as bytes. */
  scrubContent(bytes: Uint8Array): Uint8Array {
    const text = asText(bytes);
    if (text === undefined) return this.scrubBytes(bytes);
    const scrubbed = this.scrubText(text);
    return scrubbed === text ? bytes : strToU8(scrubbed);
  }

  /**
   * A zip (a Playwright trace) with every entry scrubbed, under the same names and in the same order, so the
   * trace viewer opens it as before. One entry at a time, letting other work run in between: a trace kept
   * across many jobs is large, and the daemon has jobs running.
   */
  async scrubZip(zip: Uint8Array): Promise<Uint8Array> {
    const out: Zippable = {};
    for (const name of zipEntryNames(zip)) {
      out[name] = this.scrubContent(zipEntry(zip, name));
      await nextTurn();
    }
    return zipSync(out, { level: 6 });
  }

  /** Whether any secret value (in any of its forms) is in these bytes. */
  holdsSecret(bytes: Uint8Array): boolean {
    const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return this.needleBytes.some((needle) => view.includes(needle));
  }

  /** Whether any secret is in these bytes, or, when they are a zip, in any entry decompressed. */
  async holdsSecretInContent(bytes: Uint8Array): Promise<boolean> {
    if (isZip(bytes)) {
      let names: string[] | undefined;
      try {
        names = zipEntryNames(bytes);
      } catch {
        // Not a readable zip after all: its bytes are all there is to look at.
      }
      if (names) {
        for (const name of names) {
          if (await this.holdsSecretInContent(zipEntry(bytes, name))) return true;
          await nextTurn();
        }
        return false;
      }
    }
    return this.holdsSecret(bytes);
  }
}

/** Whether bytes start as a zip's first local file header does. */
function isZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

/** A zip's entry names in order, read from its directory without decompressing anything. */
function zipEntryNames(zip: Uint8Array): string[] {
  const names: string[] = [];
  unzipSync(zip, {
    filter: (file) => {
      names.push(file.name);
      return false;
    },
  });
  return names;
}

/** One entry of a zip, decompressed alone. */
function zipEntry(zip: Uint8Array, name: string): Uint8Array {
  return unzipSync(zip, { filter: (file) => file.name === name })[name] ?? new Uint8Array();
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** The bytes as text when they are valid UTF-8 with no NUL (what no text format holds); else undefined. */
function asText(bytes: Uint8Array): string | undefined {
  if (bytes.includes(0)) return undefined;
  try {
    return utf8.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Where a JSON string opened at `start` ends (the index of its closing quote), in text escaped `depth` times
 * (`backslashes` = 2^depth - 1 before each of its own quotes); -1 when it does not end. A quote closes it when
 * the backslashes before it, less whole escaped backslashes (2^(depth+1) each), are exactly `backslashes`.
 */
function stringEnd(text: string, start: number, backslashes: number): number {
  const period = 2 * backslashes + 2;
  for (let at = text.indexOf('"', start); at !== -1; at = text.indexOf('"', at + 1)) {
    let run = 0;
    while (at - run - 1 >= start && text[at - run - 1] === "\\") run += 1;
    if (run % period === backslashes) return at - backslashes;
  }
  return -1;
}

/** Whether a backslash run can be the escape of a quote at some depth (0, 1, 3, 7, …). */
const isDepth = (backslashes: number) => ((backslashes + 1) & backslashes) === 0;

/** Replaces the JSON string values that `match` finds the start of (its end is the string's first character). */
function redactJsonStrings(text: string, pattern: RegExp, accept: (match: RegExpExecArray) => boolean): string {
  let out = "";
  let last = 0;
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const backslashes = (match[1] ?? "").length;
    const valueStart = match.index + match[0].length;
    if (!isDepth(backslashes) || !accept(match) || valueStart < last) continue;
    const end = stringEnd(text, valueStart, backslashes);
    if (end === -1) continue;
    out += text.slice(last, valueStart) + REDACTED;
    last = end;
    pattern.lastIndex = end;
  }
  return last === 0 ? text : out + text.slice(last);
}

/** `"key": "` at any JSON escape depth; group 1 is the backslashes before each quote, group 2 the key. */
const JSON_KEY = /(?<!\\)(\\*)"([A-Za-z0-9_.-]+)\1"\s*:\s*\1"/g;
/** `"name": "<name>", "value": "` (HAR headers, cookies, query strings), at any escape depth. */
const JSON_PAIR = /(?<!\\)(\\*)"name\1"\s*:\s*\1"([^"\\]+)\1"\s*,\s*\1"value\1"\s*:\s*\1"/g;
/**
 * `"k": "<key>", "v": {"s": "` — a string property of a `page.evaluate` argument as Playwright's trace records
 * it: the driver hands the page its Bearer token this way.
 */
const SERIALIZED_PROPERTY = /(?<!\\)(\\*)"k\1"\s*:\s*\1"([^"\\]+)\1"\s*,\s*\1"v\1"\s*:\s*\{\s*\1"s\1"\s*:\s*\1"/g;
/** `"value": "` of a pair whose name comes after its value; the name is checked after the string. */
const JSON_VALUE_FIRST = /(?<!\\)(\\*)"value\1"\s*:\s*\1"/g;
/** `"key":"value"` inside an HTML attribute. */
const HTML_JSON_KEY = /(&quot;([A-Za-z0-9_.-]+)&quot;\s*:\s*&quot;)(.*?)(&quot;)/g;
/** `Name: value` lines of raw HTTP headers. */
const HEADER_LINE = /^([ \t]*([A-Za-z-]+)[ \t]*:[ \t]*)(\S.*?)(\r?)$/gm;
/** A URL's query or fragment parameter (plain, HTML-escaped or JSON-escaped `&`), or a form body's. */
const URL_PARAM = /(^|[?&#]|&amp;|\\u0026)([A-Za-z0-9_.-]+)=([^&#\s"'<>\\)]+)/gm;
const BEARER = /\b(bearer[ \t]+)([A-Za-z0-9\-._~+/]+=*)/gi;
/** `sb-<ref>-auth-token(.N)=value` in a cookie string. */
const AUTH_COOKIE_PAIR = /\b(sb-[A-Za-z0-9-]*-auth-token(?:\.\d+)?=)([^;\s"'\\&,]+)/g;

/** Redacts every value found under a credential's name, whatever it is. */
export function redactByName(text: string): string {
  let out = redactJsonStrings(text, JSON_KEY, (match) => isSecretKey(match[2] ?? ""));
  out = redactJsonStrings(out, SERIALIZED_PROPERTY, (match) => isSecretKey(match[2] ?? ""));
  out = redactJsonStrings(out, JSON_PAIR, (match) => isSecretPairName(match[2] ?? ""));
  out = redactValueFirstPairs(out);
  out = out.replace(HTML_JSON_KEY, (whole, open: string, key: string, _value: string, close: string) =>
    isSecretKey(key) ? `${open}${REDACTED}${close}` : whole,
  );
  out = out.replace(HEADER_LINE, (whole, head: string, name: string, _value: string, cr: string) =>
    isSecretHeader(name) ? `${head}${REDACTED}${cr}` : whole,
  );
  out = out.replace(URL_PARAM, (whole, before: string, name: string) =>
    SECRET_PARAM.test(name) || isSecretField(name) ? `${before}${name}=${REDACTED}` : whole,
  );
  out = out.replace(BEARER, (_whole, head: string) => `${head}${REDACTED}`);
  return out.replace(AUTH_COOKIE_PAIR, (_whole, head: string) => `${head}${REDACTED}`);
}

/** `{"value": "…", "name": "cookie"}`: the name is only known once the value's string has been read past. */
function redactValueFirstPairs(text: string): string {
  let out = "";
  let last = 0;
  JSON_VALUE_FIRST.lastIndex = 0;
  for (let match = JSON_VALUE_FIRST.exec(text); match; match = JSON_VALUE_FIRST.exec(text)) {
    const slashes = match[1] ?? "";
    const valueStart = match.index + match[0].length;
    if (!isDepth(slashes.length) || valueStart < last) continue;
    const end = stringEnd(text, valueStart, slashes.length);
    if (end === -1) continue;
    const q = escapeRegExp(`${slashes}"`);
    const name = new RegExp(`^${q}\\s*,\\s*${q}name${q}\\s*:\\s*${q}([^"\\\\]+)${q}`).exec(text.slice(end, end + 300));
    if (!name || !isSecretPairName(name[1] ?? "")) continue;
    out += text.slice(last, valueStart) + REDACTED;
    last = end;
  }
  return last === 0 ? text : out + text.slice(last);
}
