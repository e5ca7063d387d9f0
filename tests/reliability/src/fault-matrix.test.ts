import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Sandbox } from "@impactkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FAULTS, OPERATIONS, renderReliability, runCell, type CellResult } from "./fault-matrix.ts";
import { ACCOUNT, CUSTOM_HEADER, FLAVOR_NAMES, startReliabilitySandbox } from "./harness.ts";

const DOCS = join(import.meta.dirname, "..", "..", "..", "docs", "reliability.md");
let sandbox: Sandbox;
const results: CellResult[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
let baseline: Record<string, number>;
const resources = () => process.getActiveResourcesInfo().reduce<Record<string, number>>((counts, kind) => ({ ...counts, [kind]: (counts[kind] ?? 0) + 1 }), {});

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  baseline = resources();
  sandbox = await startReliabilitySandbox();
});

afterAll(async () => {
  const storage = sandbox.control.requests("storage");
  const elsewhere = sandbox.control.elsewhere();
  await sandbox.close();
  expect(elsewhere.length).toBeGreaterThan(0);
  for (const request of elsewhere) {
    expect(Object.keys(request.headers)).not.toContain("authorization");
    expect(Object.keys(request.headers)).not.toContain(CUSTOM_HEADER.name.toLowerCase());
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  process.off("unhandledRejection", onUnhandled);
  expect(unhandled).toEqual([]);
  expect(storage.length).toBeGreaterThan(50);
  for (const request of storage) {
    expect(Object.keys(request.headers)).not.toContain("authorization");
    expect(Object.keys(request.headers)).not.toContain(CUSTOM_HEADER.name.toLowerCase());
  }
  expect(JSON.stringify(storage)).not.toContain(ACCOUNT.authToken);
  const now = resources();
  for (const kind of ["TCPServerWrap", "TCPSocketWrap", "Timeout"]) expect(now[kind] ?? 0, kind).toBeLessThanOrEqual(baseline[kind] ?? 0);
  expect(readFileSync(DOCS, "utf8"), "docs/reliability.md is out of date: run pnpm --filter @impactkit/reliability-tests reliability:docs").toBe(
    renderReliability(results),
  );
});

const cells = FLAVOR_NAMES.flatMap((flavor) =>
  FAULTS.flatMap((fault, faultIndex) => OPERATIONS.map((operation) => [flavor, fault.name, operation, faultIndex] as const)),
);

describe("fault matrix", () => {
  it.each(cells)("%s: %s during %s", async (flavor, _fault, operation, faultIndex) => {
    const result = await runCell(sandbox, flavor, faultIndex, operation, results.length + 1);
    results.push(result);
    expect(result.outcome, result.message).toBe(result.expected.outcome);
    if (result.outcome !== "ok" && result.outcome !== "n/a")
      expect(result.message).toMatch(/^(GET|PUT|ReportExport|Downloading) .+ (failed|refused|was refused)/);
    expect(result.strayFiles).toEqual([]);
    expect(sandbox.control.violations()).toEqual([]);
  });
});
