import type { Timing } from "../base/timing.js";

/** A response body read chunk by chunk, bounded: by `idleMs` without a byte, and by an abort signal. */
export interface BodySource {
  /** The next chunk, or `undefined` at the end. Rejects when the body broke, went idle or was aborted. */
  next(): Promise<Uint8Array | undefined>;
  /** Lets go of the body (closing its connection at once); safe to call more than once. */
  close(): void;
}

/**
 * Reads `response`'s body with a watchdog instead of a timer per chunk: one timer, re-armed only when it
 * fires early, so a fast transfer pays a clock read per chunk. When no byte of the body came for `idleMs`
 * (a body that stalls after its headers, a trickle, a server sending anything but the body — an endless
 * chunk extension or trailer), or `signal` aborts, the body is cancelled (its connection closed) and the
 * pending and every later `next()` reject. `undefined` when the response has no body.
 */
export function bodySource(response: Response, timing: Timing, idleMs: number, signal: AbortSignal): BodySource | undefined {
  const reader = response.body?.getReader();
  if (!reader) return undefined;
  let stopped: unknown;
  let lastByteAt = timing.now();
  let cancelTimer = (): void => undefined;
  const stop = (reason: unknown) => {
    stopped ??= reason;
    close();
  };
  const watch = (ms: number) => {
    cancelTimer = timing.setTimer(() => {
      const idle = timing.now() - lastByteAt;
      if (idle >= idleMs) stop(new DOMException(`no bytes for ${idleMs} ms`, "TimeoutError"));
      else watch(idleMs - idle);
    }, ms);
  };
  const onAbort = () => stop(signal.reason ?? new DOMException("aborted", "AbortError"));
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    cancelTimer();
    signal.removeEventListener("abort", onAbort);
    reader.cancel(stopped).catch(() => undefined);
  };
  if (signal.aborted) onAbort();
  else {
    signal.addEventListener("abort", onAbort, { once: true });
    watch(idleMs);
  }
  return {
    async next() {
      if (stopped !== undefined) throw stopped;
      let chunk: Uint8Array | undefined;
      try {
        const read = await reader.read();
        chunk = read.done ? undefined : read.value;
      } catch (error) {
        throw stopped ?? error;
      }
      if (stopped !== undefined) throw stopped;
      lastByteAt = timing.now();
      if (chunk === undefined) close();
      return chunk;
    },
    close,
  };
}
