import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Fault } from "@impactkit/sandbox";
import { exportIn, FLAVOR_NAMES, jobsOf, startReliabilitySandbox } from "./harness.ts";

/** Faults a client must recover from on its own (a refused export is not one). */
const SOAK_FAULTS: readonly Fault[] = [
  { kind: "status", status: 500 },
  { kind: "status", status: 502 },
  { kind: "status", status: 503 },
  { kind: "status", status: 504 },
  { kind: "rate-limit", retryAfterSeconds: 1 },
  { kind: "reset" },
  { kind: "stall" },
  { kind: "truncate", fraction: 0.5 },
  { kind: "expired-url" },
  { kind: "unknown-status", status: "PAUSED" },
  { kind: "malformed-json" },
  { kind: "xml" },
];

export interface SoakResult {
  jobs: number;
  /** Downloads whose sha256 differs from the sandbox's result (must be 0). */
  mismatches: number;
  failures: string[];
  bytes: number;
  requests: number;
  faults: number;
  elapsedMs: number;
}

/**
 * `jobs` exports spread over the three flavors, with `probability` of every request (API and storage)
 * getting a random fault drawn from `seed`: each is exported, waited for and downloaded, and every file
 * is compared with the sandbox's sha256 of the result.
 */
export async function runSoak(options: { jobs: number; seed: number; probability?: number; parallel?: number }): Promise<SoakResult> {
  const started = performance.now();
  // At the harness's 1,000× clock a 5-minute signed URL lasts 300 real ms, which a loaded machine can spend between
  // the 302 and the storage request; an hour (3.6 real s) keeps expiry to the `expired-url` fault, where it is tested.
  const sandbox = await startReliabilitySandbox({ job: { queueMs: 500, runMs: 4_500, rows: 1_500 }, signedUrlTtlMs: 3_600_000 });
  const dir = mkdtempSync(join(tmpdir(), "impactkit-soak-"));
  const instances = FLAVOR_NAMES.map((flavor) => jobsOf(sandbox, flavor, { concurrency: 16, logger: { warn: () => undefined } }));
  sandbox.control.randomFaults({ probability: options.probability ?? 0.1, seed: options.seed, faults: SOAK_FAULTS });
  const result: SoakResult = { jobs: options.jobs, mismatches: 0, failures: [], bytes: 0, requests: 0, faults: 0, elapsedMs: 0 };
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let index = next++; index < options.jobs; index = next++) {
      const jobs = instances[index % instances.length]!;
      try {
        const handle = await exportIn(jobs, index + 1);
        await jobs.wait(handle.id);
        const target = join(dir, `${index}.csv`);
        const { bytes } = await jobs.download(handle.id, { to: target });
        const truth = await sandbox.control.result(handle.id);
        result.bytes += bytes;
        if (createHash("sha256").update(readFileSync(target)).digest("hex") !== truth.sha256) result.mismatches += 1;
        rmSync(target);
      } catch (error) {
        result.failures.push(`job ${index} (${jobs.spec.api}): ${(error as Error).name}: ${(error as Error).message}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: options.parallel ?? 24 }, worker));
  } finally {
    const requests = sandbox.control.requests();
    result.requests = requests.length;
    result.faults = requests.filter((request) => request.fault).length;
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
  result.elapsedMs = Math.round(performance.now() - started);
  return result;
}
