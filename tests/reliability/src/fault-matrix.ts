import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createHash } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FAULT_KINDS, type Fault, type Route, type Sandbox } from "@impactkit/sandbox";
import { exportIn, FLAVOR_NAMES, jobsOf, titleOf, type FlavorName } from "./harness.ts";

export const FAULTS: ReadonlyArray<{ name: string; fault: Fault }> = [
  { name: "500", fault: { kind: "status", status: 500 } },
  { name: "502", fault: { kind: "status", status: 502 } },
  { name: "503", fault: { kind: "status", status: 503 } },
  { name: "504", fault: { kind: "status", status: 504 } },
  { name: "429 + Retry-After", fault: { kind: "rate-limit", retryAfterSeconds: 2 } },
  { name: "connection reset", fault: { kind: "reset" } },
  { name: "stalled response", fault: { kind: "stall" } },
  { name: "truncated body", fault: { kind: "truncate", fraction: 0.5 } },
  { name: "expired signed URL", fault: { kind: "expired-url" } },
  { name: "unknown Status", fault: { kind: "unknown-status", status: "PAUSED" } },
  { name: "malformed JSON", fault: { kind: "malformed-json" } },
  { name: "XML body", fault: { kind: "xml" } },
  { name: "200 + Status ERROR", fault: { kind: "export-error", message: "Not permitted to run this report" } },
  { name: "body stalls after headers", fault: { kind: "body-stall", afterBytes: 8 } },
  { name: "trickled body", fault: { kind: "trickle", bytes: 16_384, intervalMs: 2 } },
  { name: "object changed mid-transfer", fault: { kind: "object-changed", afterBytes: 20_000 } },
  { name: "gzip from storage", fault: { kind: "gzip" } },
  { name: "redirect to another origin", fault: { kind: "redirect", status: 307 } },
  { name: "storage redirect to data:", fault: { kind: "storage-redirect", to: "data" } },
  { name: "storage redirect to another origin", fault: { kind: "storage-redirect", to: "other-origin" } },
  { name: "200 with null body", fault: { kind: "non-job-body", body: null } },
  { name: "lowercase Status", fault: { kind: "status-case", case: "lower" } },
];

export const OPERATIONS = ["get", "list", "wait", "download", "replay", "export"] as const;
export type Operation = (typeof OPERATIONS)[number];

const PRIMARY_ROUTE: Record<Operation, Route> = {
  get: "getJob",
  list: "listJobs",
  wait: "getJob",
  download: "downloadJob",
  replay: "replayJob",
  export: "exportReport",
};
/** Faults of the transfer itself: for a download they are aimed at the storage origin. */
const STORAGE_FAULTS = new Set<Fault["kind"]>(["status", "reset", "stall", "truncate", "body-stall", "trickle", "object-changed", "gzip"]);

/** Where a fault is aimed for an operation: a download's transfer faults hit the storage origin. */
function routeFor(fault: Fault, operation: Operation): Route | undefined {
  const route = operation === "download" && STORAGE_FAULTS.has(fault.kind) ? "storage" : PRIMARY_ROUTE[operation];
  // Download's own 302 to another origin is its contract (the signed storage URL): `storage-redirect` covers it.
  if (fault.kind === "redirect" && operation === "download") return undefined;
  return (FAULT_KINDS[fault.kind].routes as readonly Route[]).includes(route) ? route : undefined;
}

export interface Expectation {
  outcome: "ok" | "n/a" | "ApiError" | "ConnectionError" | "RequestTimeoutError" | "ProtocolError" | "ExportRefusedError";
  why: string;
}

/** What each cell must end in: the documented behaviour, as a table. */
function expectation(fault: Fault, operation: Operation): Expectation {
  const route = routeFor(fault, operation);
  if (!route) return { outcome: "n/a", why: "the fault cannot happen on this operation's requests" };
  if (fault.kind === "export-error") return { outcome: "ExportRefusedError", why: "an export refused inside HTTP 200 is an error, not a job" };
  if (fault.kind === "redirect")
    return { outcome: "ProtocolError", why: "the Jobs API redirects only Download: the redirect is not followed, so no header reaches the other origin" };
  if (fault.kind === "storage-redirect" && fault.to === "data")
    return { outcome: "ProtocolError", why: "only https storage URLs are fetched (http only for a loopback API): a data: URL is never the result" };
  if (fault.kind === "storage-redirect")
    return { outcome: "ok", why: "the storage redirect is followed by hand, checked, with no API credential or custom header" };
  if (operation === "replay") {
    if ((fault.kind === "status" && fault.status === 503) || fault.kind === "rate-limit")
      return { outcome: "ok", why: "429 and 503 say the Replay was not processed: retried" };
    if (fault.kind === "unknown-status") return { outcome: "ok", why: "the replayed job is returned with its raw Status" };
    if (fault.kind === "status") return { outcome: "ApiError", why: "a Replay creates a job: not retried after a 5xx that may have processed it" };
    if (fault.kind === "trickle" || fault.kind === "status-case")
      return { outcome: "ok", why: fault.kind === "trickle" ? "a slow body is still a whole one" : "statuses are compared case-insensitively" };
    const outcome =
      fault.kind === "stall" || fault.kind === "body-stall"
        ? "RequestTimeoutError"
        : fault.kind === "malformed-json" || fault.kind === "xml"
          ? "ProtocolError"
          : "ConnectionError";
    return { outcome, why: "a Replay creates a job: not retried after an unreadable or missing response" };
  }
  if (fault.kind === "object-changed")
    return { outcome: "ok", why: "If-Range finds the new version: the download starts over from byte 0 and the file is the new version whole" };
  if (fault.kind === "gzip") return { outcome: "ok", why: "identity was asked; the gzip answer is decoded whole, and restarted rather than resumed by range" };
  if (fault.kind === "body-stall")
    return {
      outcome: "ok",
      why: route === "storage" ? "given up after idleTimeoutMs, then resumed with Range and If-Range" : "given up after requestTimeoutMs, then retried",
    };
  if (route === "storage") return { outcome: "ok", why: "the transfer is retried or resumed with Range" };
  if (fault.kind === "expired-url") return { outcome: "ok", why: "a fresh signed URL is requested" };
  if (fault.kind === "unknown-status")
    return { outcome: "ok", why: operation === "wait" ? "polled on with backoff, reported to the logger" : "the raw Status is kept" };
  if (fault.kind === "rate-limit") return { outcome: "ok", why: "retried after Retry-After, which pauses every call" };
  if (fault.kind === "stall") return { outcome: "ok", why: "given up after requestTimeoutMs, then retried" };
  if (fault.kind === "non-job-body") return { outcome: "ok", why: "a 200 that is no Job is retried like malformed JSON" };
  if (fault.kind === "status-case") return { outcome: "ok", why: "statuses are compared case-insensitively" };
  return { outcome: "ok", why: "retried with backoff beneath the operation" };
}

export interface CellResult {
  flavor: FlavorName;
  fault: string;
  operation: Operation;
  expected: Expectation;
  outcome: string;
  message: string;
  /** Files left in the download folder other than the completed target. */
  strayFiles: string[];
}

/** Runs one cell: prepares a job, aims the fault at this operation's requests for that job, runs it. */
export async function runCell(sandbox: Sandbox, flavor: FlavorName, faultIndex: number, operation: Operation, tag: number): Promise<CellResult> {
  const { name, fault } = FAULTS[faultIndex]!;
  const expected = expectation(fault, operation);
  const base = { flavor, fault: name, operation, expected };
  if (expected.outcome === "n/a") return { ...base, outcome: "n/a", message: "", strayFiles: [] };
  const jobs = jobsOf(sandbox, flavor, { logger: { warn: () => undefined } });
  if (operation === "wait") sandbox.control.planNext({ runMs: 20_000 });
  const setup = await exportIn(jobs, tag);
  if (operation !== "wait") await jobs.wait(setup.id);
  const route = routeFor(fault, operation)!;
  const jobScoped = route !== "listJobs" && route !== "exportReport";
  sandbox.control.inject({ route, fault, ...(jobScoped ? { jobId: setup.id } : {}) });
  const dir = mkdtempSync(join(tmpdir(), "impactkit-cell-"));
  const target = join(dir, "result.csv");
  let outcome = "ok";
  let message = "";
  try {
    switch (operation) {
      case "get": {
        const job = await jobs.get(setup.id);
        if (job.Id !== setup.id || job.Status !== (fault.kind === "unknown-status" ? "PAUSED" : "COMPLETED"))
          throw new Error(`unexpected job ${JSON.stringify(job.raw)}`);
        break;
      }
      case "list": {
        const list = await jobs.list();
        if (!list.some((job) => job.Id === setup.id)) throw new Error("the job is missing from the list");
        break;
      }
      case "wait": {
        const job = await jobs.wait(setup.id);
        if (job.Status !== "COMPLETED") throw new Error(`waited for ${job.Status}`);
        break;
      }
      case "download": {
        await jobs.download(setup.id, { to: target });
        const truth = await sandbox.control.result(setup.id);
        if (createHash("sha256").update(readFileSync(target)).digest("hex") !== truth.sha256) throw new Error("the downloaded file differs from the result");
        break;
      }
      case "replay": {
        const replayed = await jobs.replay(setup.id);
        if (replayed.Id === setup.id) throw new Error("the replay returned the original job");
        break;
      }
      case "export": {
        const handle = await exportIn(jobs, tag + 100_000);
        if (!/^[0-9a-f-]{36}$/.test(handle.id)) throw new Error(`bad job id ${handle.id}`);
        break;
      }
    }
  } catch (error) {
    outcome = (error as Error).name;
    message = (error as Error).message;
  } finally {
    sandbox.control.clearFaults();
  }
  const strayFiles = readdirSync(dir).filter((file) => !(outcome === "ok" && file === "result.csv"));
  rmSync(dir, { recursive: true, force: true });
  return { ...base, outcome, message, strayFiles };
}

/** The matrix's outcome as Markdown (deterministic: no ids, no timings). */
export function renderReliability(results: readonly CellResult[]): string {
  const lines = [
    "# Reliability: every fault × every operation × every flavor",
    "",
    "Generated by `pnpm --filter @impactkit/reliability-tests reliability:docs` from `tests/reliability/src/fault-matrix.ts`;",
    "`fault-matrix.test.ts` runs the same matrix in `pnpm test` and fails when this file is out of date.",
    "Each cell injects one fault (sandbox fault injection) into the requests of one `@impactkit/jobs` operation",
    "and checks that it ends in the result or the documented typed error, with no partial file, no unhandled",
    "rejection, and no credential sent to the storage origin. A download's transfer faults hit the storage",
    "origin; `n/a` marks faults that cannot happen on an operation's requests.",
    "",
  ];
  for (const flavor of FLAVOR_NAMES) {
    lines.push(`## ${titleOf(flavor)}`, "", `| fault | ${OPERATIONS.join(" | ")} |`, `|---|${OPERATIONS.map(() => "---").join("|")}|`);
    for (const { name } of FAULTS) {
      const cells = OPERATIONS.map(
        (operation) => results.find((result) => result.flavor === flavor && result.fault === name && result.operation === operation)!.outcome,
      );
      lines.push(`| ${name} | ${cells.join(" | ")} |`);
    }
    lines.push("");
  }
  lines.push("## Why", "", "| fault | operation | outcome | why |", "|---|---|---|---|");
  for (const { name, fault } of FAULTS) {
    for (const operation of OPERATIONS) {
      const { outcome, why } = expectation(fault, operation);
      if (outcome !== "n/a") lines.push(`| ${name} | ${operation} | ${outcome} | ${why} |`);
    }
  }
  return `${lines.join("\n")}\n`;
}
