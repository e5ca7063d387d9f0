import { createClient as agencyClient, type Client as AgencyClient } from "@impactkit/agency-v3";
import { createClient as brandClient, type Client as BrandClient } from "@impactkit/brand";
import { createClient as partnerClient, type Client as PartnerClient } from "@impactkit/partner-v15";
import { createClient as partnerV16Client, type Client as PartnerV16Client } from "@impactkit/partner-v16";
import { DEFAULT_ACCOUNT, type Sandbox } from "@impactkit/sandbox";
import type { Timing } from "./timing.js";

/** The flavor clients, pointed at a sandbox. */
export function clientsFor(sandbox: Sandbox, extraHeaders: Record<string, string> = {}): { partner: PartnerClient; partnerV16: PartnerV16Client; agency: AgencyClient; brand: BrandClient } {
  const options = { ...DEFAULT_ACCOUNT, baseUrl: sandbox.url, headers: extraHeaders };
  return { partner: partnerClient(options), partnerV16: partnerV16Client(options), agency: agencyClient(options), brand: brandClient(options) };
}

/**
 * With sandbox time 1,000× faster than real time, the default 60 s request timeout is 60 real ms, which a
 * loaded machine exceeds; end-to-end tests give requests 10 real seconds.
 */
export const SLOW_MACHINE_MS = 10_000_000;

/** A fast poll policy for end-to-end tests against a sandbox whose clock runs 1,000 times faster. */
export const FAST_POLICY: { firstDelayMs: number; minDelayMs: number; maxDelayMs: number; factor: number; jitter: number } = { firstDelayMs: 5, minDelayMs: 2, maxDelayMs: 20, factor: 1.5, jitter: 0.1 };

/**
 * Virtual time: timers fire only when the test advances the clock, in order, so timing logic is exact
 * and instant. `pending` is the number of armed timers.
 */
export class VirtualTiming implements Timing {
  time = 1_000_000;
  readonly #timers: Array<{ at: number; run: () => void; id: number }> = [];
  #ids = 0;
  readonly delays: number[] = [];
  readonly randoms: number[];

  constructor(randoms: number[] = []) {
    this.randoms = randoms;
  }

  now(): number {
    return this.time;
  }

  random(): number {
    return this.randoms.length > 0 ? this.randoms.shift()! : 0.5;
  }

  setTimer(run: () => void, ms: number): () => void {
    const id = (this.#ids += 1);
    this.delays.push(ms);
    this.#timers.push({ at: this.time + Math.max(0, ms), run, id });
    return () => {
      const index = this.#timers.findIndex((timer) => timer.id === id);
      if (index !== -1) this.#timers.splice(index, 1);
    };
  }

  get pending(): number {
    return this.#timers.length;
  }

  /** The time of the next timer, if any. */
  get next(): number | undefined {
    return this.#timers.reduce<number | undefined>((soonest, timer) => (soonest === undefined || timer.at < soonest ? timer.at : soonest), undefined);
  }

  /** Lets promises settle. */
  async settle(): Promise<void> {
    for (let index = 0; index < 20; index += 1) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Moves time forward by `ms`, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await this.settle();
    for (;;) {
      const due = this.#timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers.splice(this.#timers.indexOf(due), 1);
      this.time = Math.max(this.time, due.at);
      due.run();
      await this.settle();
    }
    this.time = end;
  }

  /** Advances to the next timer and fires it. */
  async step(): Promise<void> {
    const next = this.next;
    if (next !== undefined) await this.advance(next - this.time);
  }
}

/** What a call throws; fails the test when it returns instead. */
export function thrown(run: () => unknown): Error {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error(`did not throw, returned ${JSON.stringify(result)}`);
}

/** The error a promise rejects with; fails the test when it resolves instead. */
export function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => Promise.reject(new Error(`expected a rejection, got ${JSON.stringify(value)}`)),
    (error: unknown) => error,
  );
}

/**
 * Drives a sandbox on its manual clock: clients made with `fetch` count the requests in flight, and `drive`
 * fires the sandbox's timers one at a time, each only once every request has been answered and the answers'
 * continuations have run — so that no timer (a request timeout, a wait's deadline) fires while a request
 * that takes no sandbox time is still on its way.
 */
export function manualDriver(sandbox: Sandbox): { fetch: (request: Request) => Promise<Response>; quiet: () => Promise<void>; drive: <T>(promise: Promise<T>) => Promise<T> } {
  let inFlight = 0;
  const fetchCounted = async (request: Request) => {
    inFlight += 1;
    try {
      return await fetch(request);
    } finally {
      inFlight -= 1;
    }
  };
  const quiet = async () => {
    for (let calm = 0; calm < 3; ) {
      await new Promise((resolve) => setImmediate(resolve));
      calm = inFlight === 0 ? calm + 1 : 0;
    }
  };
  const drive = async <T>(promise: Promise<T>): Promise<T> => {
    let settled = false;
    const done = promise.finally(() => (settled = true));
    for (;;) {
      await quiet();
      if (settled) return done;
      await Promise.race([done.catch(() => undefined), sandbox.control.runNextTimer()]);
    }
  };
  return { fetch: fetchCounted, quiet, drive };
}
