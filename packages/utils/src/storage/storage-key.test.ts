import { describe, expect, it } from "vitest";
import { InvalidInputError } from "../errors.js";
import { assertSafeKey, MAX_SEGMENT_BYTES, renderStorageKey, sanitizeKeySegment } from "./storage-key.js";

const AUDIO = "users/{user_id}/projects/music-clip/{project_id}/audio/{filename}";

describe("sanitizeKeySegment", () => {
  const cases: Array<[string, string]> = [
    ["user_456", "user_456"],
    ["../../etc/passwd", "etc-passwd"],
    ["..", ""],
    ["a/b\\c", "a-b-c"],
    ["name\u0000with\u001fcontrol\u007f", "namewithcontrol"],
    ["right\u202eto-left", "rightto-left"],
    [".hidden", "hidden"],
    ["song..wav", "song.wav"],
    ["My New Song!", "My-New-Song"],
    ["Café déjà vu", "Café-déjà-vu"],
    ["曲 名", "曲-名"],
    ["%2e%2e%2f", "2e-2e-2f"],
    ["ｆｕｌｌｗｉｄｔｈ", "fullwidth"],
    ["-leading-and-trailing-", "leading-and-trailing"],
  ];
  for (const [input, expected] of cases) {
    it(`${JSON.stringify(input)} → ${JSON.stringify(expected)}`, () => {
      if (expected === "") {
        expect(() => sanitizeKeySegment(input, "title")).toThrow(InvalidInputError);
      } else {
        expect(sanitizeKeySegment(input)).toBe(expected);
      }
    });
  }

  it("bounds the length in bytes without splitting a character", () => {
    const segment = sanitizeKeySegment("é".repeat(500));
    expect(Buffer.byteLength(segment)).toBeLessThanOrEqual(MAX_SEGMENT_BYTES);
    expect(segment).toBe("é".repeat(MAX_SEGMENT_BYTES / 2));
  });

  it("names the field when nothing usable is left", () => {
    try {
      sanitizeKeySegment("///", "project_id");
      expect.unreachable();
    } catch (error) {
      expect((error as InvalidInputError).fields).toEqual([
        { path: "project_id", message: "must contain letters or digits" },
      ]);
    }
  });
});

describe("renderStorageKey", () => {
  it("fills the earlier service's layout", () => {
    expect(renderStorageKey(AUDIO, { user_id: "user_456", project_id: "project_123", filename: "gen-1.wav" })).toBe(
      "users/user_456/projects/music-clip/project_123/audio/gen-1.wav",
    );
  });

  it("never lets a value add segments or climb out", () => {
    const key = renderStorageKey(AUDIO, {
      user_id: "../../admin",
      project_id: "p/../../x",
      filename: "../../../root.wav",
    });
    expect(key).toBe("users/admin/projects/music-clip/p-x/audio/root.wav");
    expect(key.split("/")).toHaveLength(7);
  });

  it("applies a prefix and requires every placeholder", () => {
    expect(renderStorageKey("music/{filename}", { filename: "a.wav" }, "/tenant-a/")).toBe("tenant-a/music/a.wav");
    expect(() => renderStorageKey(AUDIO, { user_id: "u", filename: "a.wav" })).toThrow(/needs project_id/);
    expect(() => renderStorageKey("x/{nope}/{filename}", { filename: "a" })).toThrow(/Unknown placeholder/);
  });

  it("rejects unsafe whole keys", () => {
    for (const key of ["", "/abs", "a//b", "a/../b", "a/./b", `a/${"x".repeat(1100)}`, "a\u0000b"]) {
      expect(() => assertSafeKey(key), JSON.stringify(key.slice(0, 20))).toThrow(InvalidInputError);
    }
    expect(() => assertSafeKey("users/u/a.wav")).not.toThrow();
  });
});
