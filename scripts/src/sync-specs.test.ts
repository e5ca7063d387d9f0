import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { loadManifest, type SourceEntry } from "./source-manifest.ts";
import { formatMarkdown } from "./spec-changes.ts";
import { SyncError, syncSpecs } from "./sync-specs.ts";
import { releasedScratch } from "./test-support.ts";

type Json = Record<string, any>;
/** `resets`: how many requests for it get their connection closed with no answer. */
type Answer = { status?: number; body: string; truncate?: boolean; resets?: number };

/**
 * A stand-in for the upstream hosts (raw.githubusercontent.com, integrations.impact.com), the way the sync
 * reaches them with a base URL: `/<host><path>`. Each document is served as upstream publishes it — YAML for a
 * mirror, a Markdown page with the OpenAPI document in a ```json block for a reference page — unless `answers`
 * says otherwise for it.
 */
function upstream(documents: () => Map<string, Answer>): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const answer = documents().get(request.url ?? "");
    if (!answer) return void response.writeHead(404).end("not found");
    if (answer.resets) {
      answer.resets -= 1;
      return void request.socket.destroy();
    }
    if (answer.truncate) {
      response.writeHead(200, { "Content-Length": String(answer.body.length * 2) });
      response.write(answer.body.slice(0, answer.body.length / 2));
      return void setTimeout(() => response.destroy(), 10);
    }
    response.writeHead(answer.status ?? 200, { "Content-Type": "text/plain; charset=utf-8" });
    response.end(answer.body);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

const pathOf = (url: string) => {
  const { host, pathname } = new URL(url);
  return `/${host}${pathname}`;
};

/** A document as its upstream publishes it: a mirror's YAML (here the JSON YAML reads as is), or a reference page in Markdown. */
function published(entry: SourceEntry, document: Json): string {
  const json = JSON.stringify(document, null, 2);
  return entry.format === "openapi"
    ? json
    : `# Jobs\n\nSchedule, monitor and download jobs.\n\n\`\`\`json\n${JSON.stringify(document)}\n\`\`\`\n\n\`\`\`json\n{"Status": "QUEUED"}\n\`\`\`\n`;
}

describe("pnpm specs:sync against upstream documents served from a local server", () => {
  const scratch = releasedScratch("1.0.0");
  const { git } = scratch;
  let answers = new Map<string, Answer>();
  let host: { server: Server; url: string };
  const entries = () => loadManifest(scratch.root).sources;
  const sourceOf = (entry: SourceEntry) => JSON.parse(readFileSync(join(scratch.root, "specs/sources", entry.file), "utf8")) as Json;
  const serveAsCommitted = () => {
    answers = new Map(entries().map((entry) => [pathOf(entry.url), { body: published(entry, sourceOf(entry)) }]));
  };
  const change = (file: string, edit: (document: Json) => void) => {
    const entry = entries().find((known) => known.file === file)!;
    const document = sourceOf(entry);
    edit(document);
    answers.set(pathOf(entry.url), { body: published(entry, document) });
    return entry;
  };
  const tree = () => git("status", "--porcelain", "--untracked-files=all");

  beforeAll(async () => {
    await scratch.setup();
    host = await upstream(() => answers);
  });
  beforeEach(() => {
    scratch.reset();
    serveAsCommitted();
  });
  afterAll(async () => {
    await new Promise((resolve) => host.server.close(resolve));
    scratch.dispose();
  });

  it("changes nothing when upstream publishes what the sources hold, whatever its form (YAML mirror, Markdown page)", async () => {
    const result = await syncSpecs({ root: scratch.root, baseUrl: host.url });
    expect(result.changed).toEqual([]);
    expect(tree()).toBe("");
  });

  it("brings an upstream change in: the source, its manifest digests, the merged spec, the types, one changeset and the report", async () => {
    const entry = change("partner-v15/jobs.json", (document) => {
      document.components.schemas.Job.properties.ExportedRows = { type: "integer", description: "Rows in the result file." };
    });
    const result = await syncSpecs({ root: scratch.root, baseUrl: host.url });
    expect(result.changed).toEqual(["specs/sources/partner-v15/jobs.json"]);
    const source = readFileSync(join(scratch.root, "specs/sources/partner-v15/jobs.json"), "utf8");
    expect(JSON.parse(source).components.schemas.Job.properties.ExportedRows).toEqual({ type: "integer", description: "Rows in the result file." });
    const written = loadManifest(scratch.root).sources.find((known) => known.file === entry.file)!;
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    expect(written).toEqual({ ...entry, fetched: sha(answers.get(pathOf(entry.url))!.body), sha256: sha(source) });
    expect(JSON.parse(readFileSync(join(scratch.root, "specs/partner-v15.openapi.json"), "utf8")).components.schemas.Job.properties.ExportedRows).toBeDefined();
    expect(readFileSync(join(scratch.root, "packages/partner-v15/src/generated/schema.ts"), "utf8")).toMatch(/ExportedRows\?: number;/);
    expect(readFileSync(join(scratch.root, ".changeset/spec-partner-v15.md"), "utf8")).toMatch(/^---\n"@impactkit\/partner-v15": minor\n---\n/);
    expect(
      tree()
        .split("\n")
        .filter(Boolean)
        .map((line) => line.slice(3))
        .sort(),
    ).toEqual(
      [
        ".changeset/spec-partner-v15.md",
        "packages/partner-v15/README.md",
        "packages/partner-v15/package.json",
        "packages/partner-v15/src/generated/schema.ts",
        "packages/partner-v15/src/generated/spec.ts",
        "specs/partner-v15.openapi.json",
        "specs/sources/manifest.json",
        "specs/sources/partner-v15/jobs.json",
        "docs/api-diff/partner-v15-to-v16.md",
      ].sort(),
    );
    const body = formatMarkdown(result.changed, result.sinceHead, result.pending);
    expect(body).toContain("- `specs/sources/partner-v15/jobs.json`");
    expect(body).toContain("### @impactkit/partner-v15: minor");
    expect(body).toMatch(/- \*\*minor\*\* `SPEC\.traits\.jobFields`/);
    expect(body).toContain("- `@impactkit/partner-v15`: **minor** since @impactkit/partner-v15@1.0.0 (`.changeset/spec-partner-v15.md`)");
    expect(body).toContain("- `@impactkit/agency-v3`: never released");
  });

  it("reads a changed reference page (Markdown with the document in a ```json block) as well", async () => {
    change("agency-v3/jobs.json", (document) => {
      document.paths["/Agencies/{AccountSID}/Jobs"].get.description = "Lists the agency's jobs, newest first.";
    });
    const result = await syncSpecs({ root: scratch.root, baseUrl: host.url });
    expect(result.changed).toEqual(["specs/sources/agency-v3/jobs.json"]);
    expect(JSON.parse(readFileSync(join(scratch.root, "specs/agency-v3.openapi.json"), "utf8")).paths["/Agencies/{AccountSID}/Jobs"].get.description).toBe(
      "Lists the agency's jobs, newest first.",
    );
    expect(result.sinceHead.find((report) => report.flavor.id === "agency-v3")!.level).toBe("patch");
  });

  it.each<[string, (entry: SourceEntry) => Answer | undefined, RegExp]>([
    [
      "a document that is gone (404)",
      () => undefined,
      /could not fetch 1 of \d+ documents; nothing was changed:\n {2}https:\/\/\S+impact-radius-partner-clicks-v15\.yaml: HTTP 404/,
    ],
    ["a server error (503)", () => ({ status: 503, body: "busy" }), /HTTP 503/],
    ["a body cut off in the middle", (entry) => ({ body: published(entry, {}), truncate: true }), /could not fetch 1 of/],
    [
      "a connection closed with no answer on every attempt",
      (entry) => ({ body: published(entry, {}), resets: 3 }),
      /could not fetch 1 of \d+ documents; nothing was changed:\n {2}https:\/\/\S+impact-radius-partner-clicks-v15\.yaml: fetch failed.*, 3 times$/,
    ],
    [
      "a page that is no OpenAPI document",
      () => ({ body: "<html><body>Moved</body></html>" }),
      /specs\/sources\/partner-v15\/clicks\.json#: the fetched document is no OpenAPI document/,
    ],
  ])("changes nothing on %s, even with other documents changed", async (_name, answer, message) => {
    change("partner-v15/jobs.json", (document) => {
      document.components.schemas.Job.description = "Changed upstream.";
    });
    const broken = entries().find((entry) => entry.file === "partner-v15/clicks.json")!;
    const replacement = answer(broken);
    if (replacement) answers.set(pathOf(broken.url), replacement);
    else answers.delete(pathOf(broken.url));
    await expect(syncSpecs({ root: scratch.root, baseUrl: host.url, sleep: async () => {} })).rejects.toThrow(message);
    expect(tree()).toBe("");
  });

  it("asks again for a document whose connection closed with no answer, after 1 s and then 2 s, and goes through", async () => {
    change("agency-v3/jobs.json", (document) => {
      document.paths["/Agencies/{AccountSID}/Jobs"].get.description = "Asked for twice.";
    });
    const flaky = entries().find((entry) => entry.file === "partner-v15/clicks.json")!;
    answers.get(pathOf(flaky.url))!.resets = 2;
    const slept: number[] = [];
    const result = await syncSpecs({ root: scratch.root, baseUrl: host.url, sleep: async (ms) => void slept.push(ms) });
    expect(result.changed).toEqual(["specs/sources/agency-v3/jobs.json"]);
    expect(slept).toEqual([1_000, 2_000]);
  });

  it("changes nothing when the new sources no longer take an override, and names it", async () => {
    change("partner-v15/jobs.json", (document) => {
      const paths = document.paths as Json;
      paths["/Mediapartners/{AccountSID}/Jobs/{JobId}/Result"] = paths["/Mediapartners/{AccountSID}/Jobs/{JobId}/Download"];
      delete paths["/Mediapartners/{AccountSID}/Jobs/{JobId}/Download"];
    });
    const error = await syncSpecs({ root: scratch.root, baseUrl: host.url }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(SyncError);
    expect((error as Error).message).toMatch(
      /^the new sources do not regenerate \(specs\/overrides\/shared\/download-redirect\.json#\/patch\/0: add .* matches nothing in the merged spec\); nothing was changed/,
    );
    expect(tree()).toBe("");
    await syncSpecs({ root: scratch.root, baseUrl: host.url, sourcesOnly: true });
    expect(
      tree()
        .split("\n")
        .filter(Boolean)
        .map((line) => line.slice(3))
        .sort(),
    ).toEqual(["specs/sources/manifest.json", "specs/sources/partner-v15/jobs.json"]);
  });
});
