import { describe, expect, it } from "vitest";
import { ProducerError } from "./errors.js";
import { openSealedText, sealText } from "./sealed-text.js";

const key = "k".repeat(40);

describe("sealText", () => {
  it("opens what it sealed, and never shows the text", () => {
    const sealed = sealText('{"refresh_token":"r-123"}', key, "account main");
    expect(sealed).not.toContain("r-123");
    expect(openSealedText(sealed, key, "account main")).toBe('{"refresh_token":"r-123"}');
  });

  it("seals the same text differently each time", () => {
    expect(sealText("same", key, "a")).not.toBe(sealText("same", key, "a"));
  });

  it.each([
    ["another key", (sealed: string) => openSealedText(sealed, "x".repeat(40), "account main")],
    ["another label", (sealed: string) => openSealedText(sealed, key, "account spare")],
    [
      "an altered text",
      (sealed: string) => {
        const parts = sealed.split(":");
        const body = Buffer.from(parts[3] as string, "base64url");
        body[0] = (body[0] as number) ^ 1;
        return openSealedText([...parts.slice(0, 3), body.toString("base64url")].join(":"), key, "account main");
      },
    ],
    ["an unknown form", () => openSealedText("v0:abc", key, "account main")],
  ])("refuses %s with INVALID_CONFIG", (_name, open) => {
    const sealed = sealText("secret", key, "account main");
    try {
      open(sealed);
      expect.unreachable();
    } catch (error) {
      expect(ProducerError.isInstance(error) && error.code).toBe("INVALID_CONFIG");
    }
  });
});
