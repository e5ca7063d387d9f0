/** Items a producer pushes, read with `for await`; `stop()` ends it even while a `next()` is in flight. */
export type Pulled<T> = AsyncGenerator<T, void, undefined> & {
  /** Stops the producer at once (its signal aborts): a `next()` in flight settles as the producer ends. */
  stop(): void;
};

/**
 * A producer that pushes (a transfer writing chunks, a wait reporting progress) read as an async iterator
 * that pulls: `produce(push, signal)` starts with the first `next()`; each `push` resolves once the reader has
 * taken that item, so a producer that awaits it goes at the reader's pace. The iterator ends when `produce`
 * resolves, or throws what it rejects with. Leaving the loop early (`break`, an exception in its body) or
 * `stop()` aborts `signal` with `reason` and waits for the producer to end: nothing outlives its reader.
 */
export function pull<T>(
  produce: (push: (item: T) => Promise<void>, signal: AbortSignal) => Promise<unknown>,
  options: { signal?: AbortSignal | undefined; reason: string },
): Pulled<T> {
  const stop = new AbortController();
  const leave = () => stop.abort(new DOMException(options.reason, "AbortError"));
  const items = (async function* () {
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const queue: Array<{ item: T; taken: () => void }> = [];
    let wake: (() => void) | undefined;
    let outcome: { error?: unknown } | undefined;
    const push = (item: T) =>
      new Promise<void>((taken) => {
        queue.push({ item, taken });
        wake?.();
      });
    const running = produce(push, signal).then(
      () => {
        outcome = {};
        wake?.();
      },
      (error: unknown) => {
        outcome = { error };
        wake?.();
      },
    );
    try {
      for (;;) {
        const next = queue[0];
        if (next) {
          yield next.item;
          queue.shift();
          next.taken();
          continue;
        }
        if (outcome) {
          if ("error" in outcome) throw outcome.error;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      if (!outcome) {
        leave();
        // Let a producer waiting for its item to be taken go on, to find the abort.
        for (const pending of queue.splice(0)) pending.taken();
        await running;
      }
    }
  })();
  return Object.assign(items, { stop: leave });
}
