import type { Timing } from "../base/timing.js";

/** Lets go of a body that will not be read (cancelling one already read is a harmless no-op or rejection). */
export async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

/**
 * The signal of one attempt: it aborts with the caller's signal, or after `ms` (by the injected timing) with
 * a `TimeoutError`, so that a stalled response cannot hang a call. `end()` releases the timer and listener.
 */
export function attemptSignal(timing: Timing, ms: number, signal: AbortSignal | undefined): { signal: AbortSignal; end: () => void } {
  const controller = new AbortController();
  const onAbort = () => controller.abort(signal!.reason);
  if (signal?.aborted) onAbort();
  signal?.addEventListener("abort", onAbort, { once: true, signal: controller.signal });
  const cancel = timing.setTimer(() => controller.abort(new DOMException(`no response within ${ms} ms`, "TimeoutError")), ms);
  return {
    signal: controller.signal,
    end() {
      cancel();
      signal?.removeEventListener("abort", onAbort);
    },
  };
}
