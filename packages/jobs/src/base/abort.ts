import { JobAbortedError } from "./errors.js";
import { sleep, type Timing } from "./timing.js";

/** How an operation named `what` ends when `signal` aborts: a `JobAbortedError` with the signal's reason as its cause. */
export function aborted(what: string, signal: AbortSignal | undefined): JobAbortedError {
  return new JobAbortedError(what, signal?.reason);
}

/** Sleeps `ms`; an abort rejects at once with `aborted(what, signal)`. */
export async function pause(timing: Timing, ms: number, what: string, signal: AbortSignal | undefined): Promise<void> {
  await sleep(timing, ms, signal).catch(() => {
    throw aborted(what, signal);
  });
}

/** `promise`, or `aborted(what, signal)` as soon as the signal aborts, whichever comes first. */
export function abortable<T>(promise: Promise<T>, what: string, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted(what, signal));
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}
