import { readFileSync } from "node:fs";
import { getLocation, parse, printParseErrorCode, type ParseError } from "jsonc-parser";
import { toPointer } from "./json-pointer.ts";
import { SpecError } from "./spec-error.ts";

function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split("\n");
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/**
 * Parses strict JSON (RFC 8259: no comments, no trailing commas). A syntax error names the file, the
 * JSON Pointer of the value being read when parsing failed, and the line and column.
 */
export function parseJson(text: string, file: string): unknown {
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: false, disallowComments: true });
  const [first] = errors;
  if (first) {
    const pointer = toPointer(getLocation(text, first.offset).path);
    throw new SpecError(file, pointer, `invalid JSON (${printParseErrorCode(first.error)}) at ${lineAndColumn(text, first.offset)}`);
  }
  return value;
}

export function readJson(path: string, file: string): unknown {
  return parseJson(readFileSync(path, "utf8"), file);
}
