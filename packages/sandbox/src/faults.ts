import { mulberry32 } from "./prng.js";

/** The routes a fault can be aimed at. */
export type Route = "listJobs" | "getJob" | "downloadJob" | "replayJob" | "exportReport" | "exportClicks" | "storage";

export const ROUTES: readonly Route[] = ["listJobs", "getJob", "downloadJob", "replayJob", "exportReport", "exportClicks", "storage"];

/** What can go wrong on the wire. */
export type Fault =
  /** A server error with the error envelope. */
  | { kind: "status"; status: 500 | 502 | 503 | 504 }
  /** 429 with `Retry-After` (seconds) and the flavor's rate-limit headers showing nothing left. */
  | { kind: "rate-limit"; retryAfterSeconds?: number }
  /** The connection is reset before any response. */
  | { kind: "reset" }
  /** Nothing is sent for `ms` real milliseconds (forever when omitted, until the client gives up or the sandbox closes). */
  | { kind: "stall"; ms?: number }
  /** The body is sent in small pieces, `bytesPerSecond` at most. */
  | { kind: "slow"; bytesPerSecond: number }
  /** `Content-Length` promises the whole body, then the connection closes after `fraction` of it. */
  | { kind: "truncate"; fraction?: number }
  /** Download redirects to a signed URL that has already expired. */
  | { kind: "expired-url" }
  /** A Job carries a `Status` the docs do not list. */
  | { kind: "unknown-status"; status?: string }
  /** The body is not valid JSON although it says it is. */
  | { kind: "malformed-json" }
  /** The body is XML although the request asked for JSON. */
  | { kind: "xml" }
  /** An export is refused with HTTP 200 and `{"Status":"ERROR","Message":…}`, as the agency API does. */
  | { kind: "export-error"; message?: string };

export type FaultKind = Fault["kind"];

export interface ScriptedFault {
  route: Route;
  fault: Fault;
  /** How many matching requests get the fault (default 1). */
  times?: number;
  /** Only requests about this job. */
  jobId?: string;
}

export interface RandomFaults {
  /** Chance that a request gets a fault, 0 to 1. */
  probability: number;
  seed: number;
  faults: readonly Fault[];
  routes?: readonly Route[];
}

const FAULTS_BY_ROUTE: Record<FaultKind, readonly Route[] | "all"> = {
  status: "all",
  "rate-limit": ["listJobs", "getJob", "downloadJob", "replayJob", "exportReport", "exportClicks"],
  reset: "all",
  stall: "all",
  slow: "all",
  truncate: "all",
  "expired-url": ["downloadJob"],
  "unknown-status": ["getJob", "listJobs", "downloadJob", "replayJob"],
  "malformed-json": ["listJobs", "getJob", "downloadJob", "replayJob", "exportReport", "exportClicks"],
  xml: ["listJobs", "getJob", "downloadJob", "replayJob", "exportReport", "exportClicks"],
  "export-error": ["exportReport", "exportClicks"],
};

/** Whether a fault means anything on a route (an expired URL only on Download, and so on). */
export function faultFits(fault: Fault, route: Route): boolean {
  const routes = FAULTS_BY_ROUTE[fault.kind];
  return routes === "all" || routes.includes(route);
}

/** Scripted faults (consumed in order) and seeded random ones, chosen per request. */
export class FaultPlan {
  #scripted: Array<Required<Pick<ScriptedFault, "times">> & ScriptedFault> = [];
  #random: { options: RandomFaults; next: () => number } | undefined;

  inject(scripted: ScriptedFault): void {
    if (!faultFits(scripted.fault, scripted.route)) throw new Error(`a ${scripted.fault.kind} fault cannot happen on ${scripted.route}`);
    this.#scripted.push({ ...scripted, times: scripted.times ?? 1 });
  }

  random(options: RandomFaults | undefined): void {
    if (options && !(options.probability >= 0 && options.probability <= 1)) throw new RangeError("fault probability must be between 0 and 1");
    this.#random = options && { options, next: mulberry32(options.seed) };
  }

  clear(): void {
    this.#scripted = [];
    this.#random = undefined;
  }

  /** The fault for this request, if any. */
  take(route: Route, jobId: string | undefined): Fault | undefined {
    const index = this.#scripted.findIndex((entry) => entry.route === route && (entry.jobId === undefined || entry.jobId === jobId));
    if (index !== -1) {
      const entry = this.#scripted[index]!;
      entry.times -= 1;
      if (entry.times <= 0) this.#scripted.splice(index, 1);
      return entry.fault;
    }
    if (!this.#random) return undefined;
    const { options, next } = this.#random;
    if (options.routes && !options.routes.includes(route)) return undefined;
    const roll = next();
    const pick = next();
    if (roll >= options.probability) return undefined;
    const candidates = options.faults.filter((fault) => faultFits(fault, route));
    return candidates.length === 0 ? undefined : candidates[Math.floor(pick * candidates.length)];
  }
}
