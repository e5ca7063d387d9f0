import { FAULT_KINDS, type Fault } from "./fault-kinds.js";
import type { Route } from "./fault-routes.js";
import { mulberry32 } from "./prng.js";

export { ROUTES, type ApiRoute, type Route } from "./fault-routes.js";
export type { Fault, FaultKind } from "./fault-kinds.js";

/** One fault a test asks for (`control.inject`): which route's requests get it, what it is, how many times, and for which job. */
export interface ScriptedFault {
  /** The route whose requests get the fault. */
  route: Route;
  /** The fault: its kind and that kind's options. */
  fault: Fault;
  /** How many matching requests get the fault (default 1). */
  times?: number;
  /** Only requests about this job. */
  jobId?: string;
}

/**
 * Faults drawn at random for a sandbox's whole life (`SandboxOptions.faults`): how often, from which faults and on
 * which routes, repeatable from a seed.
 */
export interface RandomFaults {
  /** Chance that a request gets a fault, 0 to 1. */
  probability: number;
  /** Seeds the draws: the same seed and requests give the same faults. */
  seed: number;
  /** The faults drawn from; each request gets one of those that fit its route. */
  faults: readonly Fault[];
  /** The routes that may get a fault (default: every route). */
  routes?: readonly Route[];
}

/** Whether a fault means anything on a route (an expired URL only on Download, and so on): its kind's `routes`. */
export function faultFits(fault: Fault, route: Route): boolean {
  return FAULT_KINDS[fault.kind].routes.includes(route);
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
