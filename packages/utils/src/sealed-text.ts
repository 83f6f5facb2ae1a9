import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { ProducerError } from "./errors.js";

const VERSION = "v1";
const IV_BYTES = 12;

/** A 256-bit key from the configured secret: the secret may be any long random text, not raw key bytes. */
function deriveKey(secret: string): Buffer {
  return Buffer.from(hkdfSync("sha256", secret, "producer", "producer sealed text v1", 32));
}

/**
 * Encrypts text with AES-256-GCM under a key derived from `secret`. `label` is bound to the result (the AAD): a
 * value sealed for one account cannot be passed off as another's. The result is `v1:<iv>:<tag>:<ciphertext>`.
 */
export function sealText(plain: string, secret: string, label: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", deriveKey(secret), iv);
  cipher.setAAD(Buffer.from(label, "utf8"));
  const encrypted = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), encrypted]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(":");
}

/** The text `sealText` sealed; INVALID_CONFIG when the key is not the one it was sealed with (or it was altered). */
export function openSealedText(sealed: string, secret: string, label: string): string {
  const [version, iv, tag, encrypted] = sealed.split(":");
  if (version !== VERSION || !iv || !tag || encrypted === undefined) {
    throw new ProducerError("INVALID_CONFIG", `The sealed value for ${label} is not in a form this version reads.`);
  }
  try {
    const decipher = createDecipheriv("aes-256-gcm", deriveKey(secret), Buffer.from(iv, "base64url"));
    decipher.setAAD(Buffer.from(label, "utf8"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(encrypted, "base64url")), decipher.final()]).toString("utf8");
  } catch (error) {
    throw new ProducerError(
      "INVALID_CONFIG",
      `The stored value for ${label} does not open with this key: every daemon of a fleet needs the same accountPool.stateKey.`,
      { cause: error },
    );
  }
}
