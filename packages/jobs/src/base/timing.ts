/**
 * Time, timers and randomness, injected so that the timing logic is exact and instant under test
 * (a virtual clock) and real in production.
 */
export interface Timing {
  /** Epoch milliseconds. */
  now(): number;
  /** A number in [0, 1). */
  random(): number;
  /** Runs `run` after `ms`; the returned function cancels it. */
  setTimer(run: () => void, ms: number): () => void;
}

/** The largest delay a Node.js timer honours; longer ones fire after 1 ms (Node's TimeoutOverflowWarning). */
const MAX_TIMER_MS: number = 2 ** 31 - 1;

/** The real clock, `Math.random` and `setTimeout` (delays capped at what a Node.js timer honours): the default `Timing`. */
export const systemTiming: Timing = {
  now: () => Date.now(),
  random: () => Math.random(),
  setTimer(run, ms) {
    const timer = setTimeout(run, Math.min(Math.max(0, ms), MAX_TIMER_MS));
    return () => clearTimeout(timer);
  },
};

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(timing: Timing, ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const cancel = timing.setTimer(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      cancel();
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
