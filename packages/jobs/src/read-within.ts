import type { Timing } from "./timing.js";

/**
 * The next read of a body, bounded: it rejects with a `TimeoutError` when no byte comes for `idleMs`
 * (a body that stalls after its headers, a trickle slower than that per chunk), and at once with the
 * signal's reason when it aborts. The reader is cancelled then, which closes the connection.
 */
export function readWithin<T>(reader: ReadableStreamDefaultReader<T>, timing: Timing, idleMs: number, signal: AbortSignal): Promise<ReadableStreamReadResult<T>> {
  return new Promise((resolve, reject) => {
    const settle = (error: unknown) => {
      cancelTimer();
      signal.removeEventListener("abort", onAbort);
      if (error === undefined) return;
      reader.cancel(error).catch(() => undefined);
      reject(error);
    };
    const onAbort = () => settle(signal.reason ?? new DOMException("aborted", "AbortError"));
    const cancelTimer = timing.setTimer(() => settle(new DOMException(`no bytes for ${idleMs} ms`, "TimeoutError")), idleMs);
    if (signal.aborted) return onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    reader.read().then(
      (result) => {
        settle(undefined);
        resolve(result);
      },
      (error: unknown) => {
        settle(undefined);
        reject(error);
      },
    );
  });
}
