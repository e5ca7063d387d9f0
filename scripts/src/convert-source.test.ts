import { describe, expect, it } from "vitest";
import { convertSource } from "./convert-source.ts";

const openapi = { file: "partner-v15/jobs.json", format: "openapi" } as const;
const page = { file: "agency-v3/jobs.json", format: "docs-page" } as const;

describe("convertSource", () => {
  it("gives the same bytes for the same document in YAML or JSON, keys in any order", () => {
    const yaml = "openapi: 3.1.0\ninfo:\n  version: '1'\n  title: Jobs\npaths:\n  /Jobs:\n    get:\n      responses:\n        '200': {description: ok}\n";
    const json = JSON.stringify({
      paths: { "/Jobs": { get: { responses: { "200": { description: "ok" } } } } },
      info: { title: "Jobs", version: "1" },
      openapi: "3.1.0",
    });
    expect(convertSource(openapi, yaml)).toBe(convertSource(openapi, json));
    expect(convertSource(openapi, yaml)).toBe(
      '{\n  "openapi": "3.1.0",\n  "info": {\n    "title": "Jobs",\n    "version": "1"\n  },\n  "paths": {\n    "/Jobs": {\n      "get": {\n        "responses": {\n          "200": {\n            "description": "ok"\n          }\n        }\n      }\n    }\n  }\n}\n',
    );
  });

  it("joins the OpenAPI documents of a reference page's ```json blocks, skipping example bodies", () => {
    const block = (path: string) =>
      JSON.stringify({
        openapi: "3.1.0",
        info: { title: "Jobs", version: "3" },
        paths: { [path]: { get: { responses: { "200": { description: "ok" } } } } },
        components: { schemas: { Job: { type: "object" } } },
      });
    const markdown = [
      "# Jobs",
      "",
      "```json",
      block("/Jobs"),
      "```",
      "",
      "```json",
      '{"Status": "QUEUED"}',
      "```",
      "",
      "```json",
      block("/Jobs/{JobId}"),
      "```",
      "",
    ].join("\n");
    const document = JSON.parse(convertSource(page, markdown));
    expect(Object.keys(document.paths)).toEqual(["/Jobs", "/Jobs/{JobId}"]);
    expect(document.components.schemas.Job).toEqual({ type: "object" });
  });

  it.each([
    [openapi, "<html>moved</html>", /no OpenAPI document/],
    [openapi, "a: [unclosed", /is not YAML or JSON/],
    [page, "# Jobs\n\nNo blocks here.\n", /has no ```json block holding an OpenAPI document/],
    [
      page,
      `\`\`\`json\n${JSON.stringify({ openapi: "3.1.0", components: { schemas: { Job: { type: "object" } } } })}\n\`\`\`\n\`\`\`json\n${JSON.stringify({ openapi: "3.1.0", components: { schemas: { Job: { type: "string" } } } })}\n\`\`\`\n`,
      /defined differently/,
    ],
  ])("refuses what it cannot read, naming the source (%j)", (entry, text, message) => {
    expect(() => convertSource(entry, text)).toThrow(message);
    expect(() => convertSource(entry, text)).toThrow(`specs/sources/${entry.file}`);
  });
});
