import { nodeBody } from "./node-bodies.js";
import type { Timing } from "./timing.js";

/**
 * A response body read chunk by chunk, bounded: by `idleMs` without a byte, and by an abort signal. A
 * chunk may be lent (from `nodeFetch`): valid until the next `next()` or `close()`; copy what you keep.
 */
export interface BodySource {
  /** The next chunk, or `undefined` at the end. Rejects when the body broke, went idle or was aborted. */
  next(): Promise<Uint8Array | undefined>;
  /** Lets go of the body (closing its connection); safe to call more than once. */
  close(): void;
}

/**
 * Reads `response`'s body — from its socket when `nodeFetch` made it, its web stream otherwise — with a
 * watchdog instead of a timer per chunk: one timer, re-armed only when it fires early, so a fast transfer
 * pays a clock read per chunk. When no byte came for `idleMs` (a body that stalls after its headers, a
 * trickle), or `signal` aborts, the body is closed and the pending and every later `next()` reject.
 */
export function bodySource(response: Response, timing: Timing, idleMs: number, signal: AbortSignal): BodySource | undefined {
  const lent = nodeBody(response);
  const reader = lent ? undefined : response.body?.getReader();
  if (!lent && !reader) return undefined;
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
  const close = () => {
    cancelTimer();
    signal.removeEventListener("abort", onAbort);
    if (lent) lent.destroy();
    else reader!.cancel().catch(() => undefined);
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
        if (lent) chunk = await lent.next();
        else {
          const read = await reader!.read();
          chunk = read.done ? undefined : read.value;
        }
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
