import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publishedPackages, REPO } from "./packages.js";

const TYPEDOC = join(import.meta.dirname, "..", "node_modules", "typedoc", "bin", "typedoc");
const out = mkdtempSync(join(tmpdir(), "impactkit-api-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Every file under `dir`, relative to it. */
const files = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1));

/** The parts of TypeDoc's JSON output (`--json`, https://typedoc.org/documents/Options.Output.html#json) these tests read. */
interface Reflection {
  id: number;
  name: string;
  kind: number;
  comment?: { summary: Array<{ text: string }> };
  sources?: Array<{ fileName: string; line: number }>;
  children?: Reflection[];
  signatures?: Reflection[];
  parameters?: Reflection[];
  type?: unknown;
}

/** TypeDoc's `ReflectionKind`s (https://typedoc.org/api/enums/Models.ReflectionKind.html). */
const KIND = { Module: 2, Class: 128, Interface: 256, TypeAlias: 2097152 } as const;
const DECLARED_TYPES: readonly number[] = [KIND.Class, KIND.Interface, KIND.TypeAlias];

/** Every reflection of `root`, depth first. */
function* reflections(root: Reflection): Generator<Reflection, void, undefined> {
  yield root;
  for (const child of [...(root.children ?? []), ...(root.signatures ?? []), ...(root.parameters ?? [])]) yield* reflections(child);
}

/** Every object inside a JSON value, itself included. */
function* objects(value: unknown): Generator<Record<string, unknown>, void, undefined> {
  if (Array.isArray(value)) for (const item of value) yield* objects(item);
  else if (value !== null && typeof value === "object") {
    yield value as Record<string, unknown>;
    for (const inner of Object.values(value)) yield* objects(inner);
  }
}

/** The ids of the declarations of the project a JSON value names (its `reference` types). */
const referencedIds = (value: unknown): number[] =>
  [...objects(value)].filter((node) => node.type === "reference" && typeof node.target === "number").map((node) => node.target as number);

let project: Reflection;
let output: string;
beforeAll(() => {
  output = execFileSync(process.execPath, [TYPEDOC, "--options", join(REPO, "typedoc.json"), "--out", out, "--json", join(out, "api.json")], {
    cwd: REPO,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    timeout: 240_000,
  });
  project = JSON.parse(readFileSync(join(out, "api.json"), "utf8")) as Reflection;
});

describe("the API reference (TypeDoc, typedoc.json)", () => {
  it("builds for every public package with no warning (warnings are errors) and documents the entry points", () => {
    expect(output).not.toMatch(/warning|error/i);
    const built = files(out);
    expect(built).toContain("index.html");
    const pages = built
      .filter((file) => file.endsWith(".html"))
      .map((file) => readFileSync(join(out, file), "utf8"))
      .join("\n");
    for (const name of ["createJobs", "jobsContext", "columnTypes", "createExportWorker", "startSandbox", "PollEngine", "createZendeskJobs", "JobFailedError"])
      expect(pages, name).toContain(name);
  });

  it("has one module per module export of every published package, named as it is imported", () => {
    // Each export with declarations (`types`) is a module to document; `./openapi.json` is data, not a module.
    const specifiers = publishedPackages().flatMap(({ dir, name }) => {
      const { exports } = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { exports: Record<string, string | { types?: string }> };
      return Object.entries(exports)
        .filter(([, target]) => typeof target === "object" && target.types !== undefined)
        .map(([subpath]) => (subpath === "." ? name : `${name}${subpath.slice(1)}`));
    });
    expect(specifiers).toContain("@impactkit/queue/testing");
    const modules = (project.children ?? []).filter((child) => child.kind === KIND.Module).map((module) => module.name);
    expect(modules.toSorted()).toEqual(specifiers.toSorted());
  });

  it("gives every option type — each `…Options` and each type an `options` parameter takes — and every type in them a comment of its own", () => {
    const declared = new Map<number, Reflection>();
    for (const module of project.children ?? [])
      for (const reflection of reflections(module)) if (DECLARED_TYPES.includes(reflection.kind)) declared.set(reflection.id, reflection);
    const seeds = [
      ...[...declared.values()].filter((reflection) => reflection.name.endsWith("Options")).map((reflection) => reflection.id),
      ...[...reflections(project)].filter((reflection) => reflection.name === "options").flatMap((parameter) => referencedIds(parameter.type)),
    ];
    // The option types, and the types their properties, type arguments and extended types name, one level after another.
    const optionTypes = new Set<number>();
    const pending = seeds.filter((id) => declared.has(id));
    for (let id = pending.pop(); id !== undefined; id = pending.pop()) {
      if (optionTypes.has(id)) continue;
      optionTypes.add(id);
      pending.push(...referencedIds(declared.get(id)).filter((inner) => declared.has(inner) && !optionTypes.has(inner)));
    }
    const names = [...optionTypes].map((id) => declared.get(id)!.name);
    for (const name of [
      "ClientOptions",
      "JobsOptions",
      "WaitOptions",
      "DownloadOptions",
      "ExportWorkerOptions",
      "SandboxOptions",
      "PollPolicy",
      "RandomFaults",
    ])
      expect(names).toContain(name);
    const uncommented = [...optionTypes]
      .map((id) => declared.get(id)!)
      .filter((reflection) => {
        const summary = reflection.comment?.summary.map((part) => part.text).join("") ?? "";
        // The comment must be the declaration's own, right above it (or above its `//` lint directives): not a
        // module's comment TypeDoc lent to the first export.
        const source = reflection.sources?.[0];
        const above = (
          source === undefined
            ? []
            : readFileSync(join(REPO, source.fileName), "utf8")
                .split("\n")
                .slice(0, source.line - 1)
        )
          .filter((line) => !line.trim().startsWith("//"))
          .at(-1);
        return summary.trim() === "" || !above?.trim().endsWith("*/");
      })
      .map((reflection) => `${reflection.name} (${reflection.sources?.[0]?.fileName}:${reflection.sources?.[0]?.line})`);
    expect(uncommented).toEqual([]);
  });

  it("types what every public async generator returns and takes: AsyncGenerator<T, void, undefined>, never `any`", () => {
    const generators = [...objects(project)].filter((node) => node.type === "reference" && node.name === "AsyncGenerator");
    expect(generators.length).toBeGreaterThanOrEqual(4);
    const intrinsic = (type: unknown, name: string) =>
      (type as { type?: string; name?: string } | undefined)?.type === "intrinsic" && (type as { name?: string }).name === name;
    const loose = generators
      .map((node) => (node.typeArguments as unknown[] | undefined) ?? [])
      .filter(
        (args) =>
          args.length !== 3 || !intrinsic(args[1], "void") || !intrinsic(args[2], "undefined") || [...objects(args)].some((arg) => intrinsic(arg, "any")),
      );
    expect(loose).toEqual([]);
  });
});
