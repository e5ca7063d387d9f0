import { describe, expect, it } from "vitest";
import { parseJson } from "./read-json.ts";
import { SpecError } from "./spec-error.ts";

function failure(text: string): SpecError {
  try {
    parseJson(text, "specs/sources/x/bad.json");
  } catch (error) {
    if (error instanceof SpecError) return error;
    throw error;
  }
  throw new Error("expected a SpecError");
}

describe("parseJson", () => {
  it("names the file, the JSON Pointer and the line of a syntax error", () => {
    const error = failure('{\n  "paths": {\n    "/a/b": { "get": { "summary": } }\n  }\n}\n');
    expect(error.file).toBe("specs/sources/x/bad.json");
    expect(error.pointer).toBe("/paths/~1a~1b/get/summary");
    expect(error.message).toMatch(/^specs\/sources\/x\/bad\.json#\/paths\/~1a~1b\/get\/summary: invalid JSON \(ValueExpected\) at line 3, column \d+$/);
  });

  it("rejects comments and trailing commas: fragments are strict JSON", () => {
    expect(failure('{ "a": 1, // note\n "b": 2 }').message).toMatch(/InvalidCommentToken/);
    expect(failure('{ "a": [1, 2,] }').pointer).toBe("/a/2");
  });

  it("parses valid JSON", () => {
    expect(parseJson('{"a":[1,{"b":null}]}', "f.json")).toEqual({ a: [1, { b: null }] });
  });
});
