import { describe, expect, it } from "vitest";
import { canonicalOpenApiJson, sortKeys } from "./canonical-json.ts";

describe("canonicalOpenApiJson", () => {
  it("orders the root like the OpenAPI spec, sorts every other object, keeps arrays, ends with a newline", () => {
    const text = canonicalOpenApiJson({
      paths: { "/b": {}, "/a": {} },
      "x-extra": 1,
      info: { version: "1", title: "t" },
      openapi: "3.1.0",
      tags: [{ name: "z" }, { name: "a" }],
    });
    expect(text).toBe(
      `${JSON.stringify({ openapi: "3.1.0", info: { title: "t", version: "1" }, tags: [{ name: "z" }, { name: "a" }], paths: { "/a": {}, "/b": {} }, "x-extra": 1 }, null, 2)}\n`,
    );
  });

  it("gives the same bytes whatever the input order", () => {
    expect(canonicalOpenApiJson({ info: { b: 1, a: [{ y: 1, x: 2 }] }, openapi: "3.1.0" })).toBe(
      canonicalOpenApiJson({ openapi: "3.1.0", info: { a: [{ x: 2, y: 1 }], b: 1 } }),
    );
  });

  it("leaves scalars and null alone", () => {
    expect(sortKeys([3, null, "a", { b: null, a: false }])).toEqual([3, null, "a", { a: false, b: null }]);
  });
});
