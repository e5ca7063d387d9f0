/** The sandbox's notion of now, in epoch milliseconds. Every job timeline and signed-URL expiry reads it. */
export interface Clock {
  now(): number;
}

/** A clock that moves only when told to: tests advance it and observe exact states. */
export class ManualClock implements Clock {
  #now: number;

  constructor(start: number = Date.UTC(2026, 10, 25, 12, 0, 0)) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves time forward by `ms` (never backward). */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance takes a duration of 0 ms or more, got ${ms}`);
    this.#now += ms;
  }

  /** Jumps to an absolute time, which must not be in the past. */
  set(epochMs: number): void {
    if (epochMs < this.#now) throw new RangeError("the manual clock never moves backward");
    this.#now = epochMs;
  }
}

/**
 * Real time sped up by `scale`: with scale 600, one real second is ten sandbox minutes, so a job
 * planned to run 10 minutes completes in one second.
 */
export class ScaledClock implements Clock {
  readonly #origin: number;
  readonly #realOrigin: number;
  readonly #scale: number;
  readonly #realNow: () => number;

  constructor(scale: number, origin: number = Date.now(), realNow: () => number = () => performance.now()) {
    if (!(scale > 0)) throw new RangeError(`timeScale must be greater than 0, got ${scale}`);
    this.#scale = scale;
    this.#origin = origin;
    this.#realNow = realNow;
    this.#realOrigin = realNow();
  }

  now(): number {
    return this.#origin + (this.#realNow() - this.#realOrigin) * this.#scale;
  }

  /** Sandbox milliseconds per real millisecond. */
  get scale(): number {
    return this.#scale;
  }
}

/** Time, timers and randomness in the shape `@impactkit/jobs` takes as `timing`. */
export interface ClockTimers {
  now(): number;
  random(): number;
  setTimer(run: () => void, ms: number): () => void;
}

/**
 * Real timers that follow a scaled clock: `ms` of sandbox time pass in `ms / scale` real milliseconds,
 * so a client's poll policy, Retry-After and deadlines run at the sandbox's pace.
 */
export function followClock(clock: ScaledClock): ClockTimers {
  return {
    now: () => clock.now(),
    random: () => Math.random(),
    setTimer(run, ms) {
      const timer = setTimeout(run, Math.max(0, ms) / clock.scale);
      return () => clearTimeout(timer);
    },
  };
}
