import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { createTransport, type Transport } from "@impactkit/core";
import { convertSource } from "./convert-source.ts";
import { loadFlavors } from "./flavors.ts";
import { renderAll, writeFiles } from "./pipeline.ts";
import { sha256 } from "./generate.ts";
import { loadManifest, MANIFEST_FILE, manifestText, type SourceEntry } from "./source-manifest.ts";
import { formatMarkdown, formatReport, specChanges, specReports, type FlavorReport } from "./spec-changes.ts";
import { SpecError } from "./spec-error.ts";

/** How long one document may take to come. */
const FETCH_TIMEOUT_MS = 60_000;
/**
 * Attempts per document: a request that gets no answer (a reset, a refused or timed-out connection) is sent
 * again, after 1 s and then 2 s; an HTTP error status, or a body cut off, is the upstream's answer and is not.
 */
const FETCH_ATTEMPTS = 3;
const RETRY_DELAY_MS = 1_000;

export interface SyncOptions {
  root: string;
  /**
   * Fetch from this origin instead of each document's own, at `/<host><path>` (tests serve changed upstream
   * documents from a local server this way).
   */
  baseUrl?: string;
  /** Waits before a document is asked for again (default: a timer). */
  sleep?: (ms: number) => Promise<void>;
}

export interface SyncResult {
  /** The source files that changed, repository-relative. */
  changed: string[];
  /** Each package's spec compared with the checkout's HEAD: what the sync changes. */
  sinceHead: FlavorReport[];
  /** Each package's pending changeset, as written: its changes since its last release. */
  pending: FlavorReport[];
}

/** The fetch failed for one or more documents: nothing was written. */
export class SyncError extends Error {
  override name = "SyncError";
}

function location(url: string, baseUrl: string | undefined): string {
  if (!baseUrl) return url;
  const { host, pathname, search } = new URL(url);
  return `${baseUrl.replace(/\/+$/, "")}/${host}${pathname}${search}`;
}

/** One document's text, fetched through `transport` (the proxy of HTTPS_PROXY/NO_PROXY, as every impactkit request). */
async function fetchText(transport: Transport, entry: SourceEntry, options: SyncOptions): Promise<string> {
  const { baseUrl, sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)) } = options;
  let response: Response;
  for (let attempt = 1; ; attempt += 1) {
    const request = new Request(location(entry.url, baseUrl), {
      signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
      headers: { Accept: "text/markdown, application/yaml, application/json, text/plain, */*" },
    });
    try {
      response = await transport.fetch(request);
      break;
    } catch (error) {
      const code = ((error as Error).cause as { code?: unknown } | undefined)?.code;
      if (attempt >= FETCH_ATTEMPTS) throw new Error(`${(error as Error).message}${typeof code === "string" ? ` (${code})` : ""}, ${attempt} times`);
      await sleep(RETRY_DELAY_MS * attempt);
    }
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new Error(`HTTP ${response.status}`);
  }
  return response.text();
}

/** The files a sync may write, as they are before it (`undefined`: absent), to put back if it fails. */
function snapshot(root: string, paths: readonly string[]): Map<string, string | undefined> {
  return new Map(paths.map((path) => [path, existsSync(join(root, path)) ? readFileSync(join(root, path), "utf8") : undefined]));
}

function restore(root: string, saved: ReadonlyMap<string, string | undefined>): void {
  for (const [path, content] of saved) {
    if (content === undefined) rmSync(join(root, path), { force: true });
    else writeFileSync(join(root, path), content);
  }
}

/**
 * `pnpm specs:sync`: fetches every upstream document of the manifest, converts each to its deterministic JSON
 * (`convertSource`), writes the sources and the manifest's digests, regenerates the specs and packages
 * (`pnpm generate`), and writes each package's pending changeset (`specChanges`). All or nothing: a document
 * that cannot be fetched or read, or sources the overrides no longer apply to, leave every file as it was.
 * `sourcesOnly` writes the sources and the manifest alone (to fix an override against new sources).
 */
export async function syncSpecs(options: SyncOptions & { sourcesOnly?: boolean }): Promise<SyncResult> {
  const { root } = options;
  const manifest = loadManifest(root);
  const transport = createTransport();
  const fetched = await Promise.allSettled(manifest.sources.map((entry) => fetchText(transport, entry, options)));
  const failures = fetched.flatMap((outcome, index) =>
    outcome.status === "rejected" ? [`${manifest.sources[index]!.url}: ${(outcome.reason as Error).message}`] : [],
  );
  if (failures.length > 0)
    throw new SyncError(
      `could not fetch ${failures.length} of ${manifest.sources.length} documents; nothing was changed:\n${failures.map((failure) => `  ${failure}`).join("\n")}`,
    );
  const texts = fetched.map((outcome) => (outcome as PromiseFulfilledResult<string>).value);
  const converted = manifest.sources.map((entry, index) => convertSource(entry, texts[index]!));
  const sourceFiles = manifest.sources.map((entry) => `specs/sources/${entry.file}`);
  const changed = sourceFiles.filter((path, index) => !existsSync(join(root, path)) || readFileSync(join(root, path), "utf8") !== converted[index]);
  // A document fetched again in another form (reformatted YAML, a page's prose) that converts to the same source keeps its entry: no change to review.
  const sources = manifest.sources.map((entry, index) =>
    changed.includes(sourceFiles[index]!) ? { ...entry, fetched: sha256(texts[index]!), sha256: sha256(converted[index]!) } : entry,
  );
  const saved = snapshot(root, [...sourceFiles, MANIFEST_FILE]);
  try {
    sourceFiles.forEach((path, index) => {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), converted[index]!);
    });
    writeFileSync(join(root, MANIFEST_FILE), manifestText({ ...manifest, sources }));
    if (options.sourcesOnly) return { changed, sinceHead: [], pending: [] };
    const files = await renderAll(root);
    const written = snapshot(
      root,
      files.map((file) => file.path),
    );
    for (const [path, content] of written) saved.set(path, content);
    writeFiles(root, files);
  } catch (error) {
    restore(root, saved);
    throw new SyncError(
      `the new sources do not regenerate (${error instanceof SpecError ? error.message : String(error)}); nothing was changed. \`pnpm specs:sync --sources-only\` writes them alone, to fix the override against them`,
    );
  }
  const flavors = loadFlavors(root);
  return { changed, sinceHead: specReports(root, flavors, "HEAD"), pending: specChanges(root, flavors) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { root: { type: "string" }, "base-url": { type: "string" }, report: { type: "string" }, "sources-only": { type: "boolean", default: false } },
  });
  const root = resolve(values.root ?? join(import.meta.dirname, "..", ".."));
  const { changed, sinceHead, pending } = await syncSpecs({
    root,
    sourcesOnly: values["sources-only"],
    ...(values["base-url"] ? { baseUrl: values["base-url"] } : {}),
  });
  console.log(
    changed.length === 0 ? "Every source is as upstream publishes it." : `Sources that changed upstream:\n${changed.map((file) => `  ${file}`).join("\n")}`,
  );
  if (values["sources-only"]) return;
  console.log(formatReport(pending));
  // A relative --report is the caller's: pnpm runs this script from scripts/, and says where it was called from in INIT_CWD.
  if (values.report) writeFileSync(resolve(process.env["INIT_CWD"] ?? process.cwd(), values.report), formatMarkdown(changed, sinceHead, pending));
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(error instanceof SpecError || error instanceof SyncError ? `error: ${error.message}` : error);
    process.exitCode = 1;
  });
}
