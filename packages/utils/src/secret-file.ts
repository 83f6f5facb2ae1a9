import fs from "node:fs";

/**
 * The secret kept in a file (trimmed), its mode made 0600 if others could read it; undefined when the file is
 * missing or holds less than `minLength` characters.
 */
export function readSecretFile(file: string, minLength = 16): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8").trim();
  } catch {
    return undefined;
  }
  if ((fs.statSync(file).mode & 0o077) !== 0) fs.chmodSync(file, 0o600);
  return text.length >= minLength ? text : undefined;
}
