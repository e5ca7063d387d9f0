/**
 * Where a sandbox's time starts unless told otherwise: 2026-11-25T12:00:00Z, whatever the machine's date, hour
 * or time zone, so job dates, result rows, rate-limit windows and signed-URL expiries come out the same on any day.
 */
export const SANDBOX_START: number = Date.UTC(2026, 10, 25, 12, 0, 0);

/** The sandbox's notion of now, in epoch milliseconds. Every job timeline and signed-URL expiry reads it. */
export interface Clock {
  now(): number;
}

interface ManualTimer {
  at: number;
  id: number;
  run: () => void;
}

/**
 * A clock that moves only when told to: tests advance it and observe exact states. Its timers fire when
 * the clock reaches them, never by the wall clock, so a loaded machine cannot reorder what a test sees.
 */
export class ManualClock implements Clock {
  #now: number;
  #ids = 0;
  readonly #timers: ManualTimer[] = [];
  readonly #armed = new Set<() => void>();

  constructor(start: number = SANDBOX_START) {
    this.#now = start;
  }

  now(): number {
    return this.#now;
  }

  /** Moves time forward by `ms` (never backward), then fires the timers it passed, in order. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`advance takes a duration of 0 ms or more, got ${ms}`);
    this.set(this.#now + ms);
  }

  /**
   * Jumps to an absolute time, which must not be in the past, then fires the timers it passed, in order.
   * They see the new time, as real timers that fire late do; a timer one of them arms counts from it.
   */
  set(epochMs: number): void {
    if (epochMs < this.#now) throw new RangeError("the manual clock never moves backward");
    this.#now = epochMs;
    const due = this.#timers.filter((timer) => timer.at <= epochMs).sort((a, b) => a.at - b.at || a.id - b.id);
    for (const timer of due) {
      const index = this.#timers.indexOf(timer);
      if (index === -1) continue;
      this.#timers.splice(index, 1);
      timer.run();
    }
  }

  /**
   * Runs `run` when the clock reaches `ms` from now. A timer already due (`ms` ≤ 0) fires on the next turn
   * of the event loop, as time need not move for it.
   */
  setTimer(run: () => void, ms: number): () => void {
    const timer = { at: this.#now + Math.max(0, ms), id: (this.#ids += 1), run };
    this.#timers.push(timer);
    const cancel = () => {
      const index = this.#timers.indexOf(timer);
      if (index !== -1) this.#timers.splice(index, 1);
    };
    if (ms <= 0) {
      setImmediate(() => {
        if (!this.#timers.includes(timer)) return;
        cancel();
        run();
      });
    }
    for (const wake of this.#armed) wake();
    this.#armed.clear();
    return cancel;
  }

  /** How many timers are waiting for the clock. */
  get pending(): number {
    return this.#timers.length;
  }

  /**
   * Waits until a timer is armed (now, if one is), then moves the clock to the soonest one and fires it:
   * the next thing a waiting client does, whatever the machine's speed. Resolves to the time it fired at.
   */
  async runNextTimer(signal?: AbortSignal): Promise<number> {
    const at = await this.nextTimer(signal);
    signal?.throwIfAborted();
    this.set(at);
    return at;
  }

  /**
   * Waits until a timer is armed (now, if one is) and resolves to the time the soonest one is due; `signal`
   * gives up the wait (rejecting with its reason), so that no forgotten wait fires a timer armed later.
   */
  async nextTimer(signal?: AbortSignal): Promise<number> {
    while (this.#timers.length === 0) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve, reject) => {
        const stop = () => {
          this.#armed.delete(wake);
          reject(signal!.reason);
        };
        const wake = () => {
          signal?.removeEventListener("abort", stop);
          resolve();
        };
        this.#armed.add(wake);
        signal?.addEventListener("abort", stop, { once: true });
      });
    }
    return Math.max(this.#now, Math.min(...this.#timers.map((timer) => timer.at)));
  }
}

/**
 * Real time sped up by `scale` from `origin` (`SANDBOX_START` unless given): with scale 600, one real second is
 * ten sandbox minutes, so a job planned to run 10 minutes completes in one second. It reads only the monotonic
 * `performance.now()`, never the wall clock.
 */
export class ScaledClock implements Clock {
  readonly #origin: number;
  readonly #realOrigin: number;
  readonly #scale: number;
  readonly #realNow: () => number;

  constructor(scale: number, origin: number = SANDBOX_START, realNow: () => number = () => performance.now()) {
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

/** Timers on a manual clock: they fire only as the clock is moved (see `ManualClock.runNextTimer`). */
export function manualTimers(clock: ManualClock): ClockTimers {
  return { now: () => clock.now(), random: () => Math.random(), setTimer: (run, ms) => clock.setTimer(run, ms) };
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
