import { describe, expect, it } from "vitest";
import { base64ToUtf8, utf8ToBase64 } from "./base64.js";

describe("base64 without Buffer", () => {
  it("matches Node's Buffer for ASCII, UTF-8 and every padding length, in both alphabets", () => {
    for (const text of ["", "a", "ab", "abc", "IRAbC123:tok/en+?", "€ ✓ 日本 🎉", "\u00ff\u00fe~~~"]) {
      expect(utf8ToBase64(text)).toBe(Buffer.from(text, "utf8").toString("base64"));
      expect(utf8ToBase64(text, true)).toBe(Buffer.from(text, "utf8").toString("base64url"));
      expect(base64ToUtf8(utf8ToBase64(text))).toBe(text);
      expect(base64ToUtf8(utf8ToBase64(text, true))).toBe(text);
    }
  });

  it("refuses what is not base64 or not UTF-8", () => {
    expect(() => base64ToUtf8("not base64!")).toThrow();
    expect(() => base64ToUtf8(btoa("\u00ff"))).toThrow();
  });
});
