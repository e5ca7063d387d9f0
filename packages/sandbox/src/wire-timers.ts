/**
 * The real-time timers of responses on the wire (a stall's release, a trickle's next piece). They run in
 * real milliseconds, not sandbox time, and `clear()` — called by `sandbox.close()` — drops them all, so
 * a stalled or dripping response never keeps the process alive. `setTimer` has the shape of the clock's
 * (`ClockTimers`, `@impactkit/jobs`'s `Timing`): `run` and `ms`, and a function that cancels it.
 */
export class WireTimers {
  readonly #pending = new Set<NodeJS.Timeout>();

  /** Runs `run` after `ms` real milliseconds, unless the sandbox closes first; the function returned cancels it. */
  setTimer(run: () => void, ms: number): () => void {
    const timer = setTimeout(() => {
      this.#pending.delete(timer);
      run();
    }, ms);
    this.#pending.add(timer);
    return () => {
      clearTimeout(timer);
      this.#pending.delete(timer);
    };
  }

  /**
   * Resolves `true` after `ms` (never, when `ms` is undefined), or `false` as soon as `closed` settles
   * (the response's connection closed, by the client or by `sandbox.close()`).
   */
  pause(ms: number | undefined, closed: Promise<void>): Promise<boolean> {
    if (ms === undefined) return closed.then(() => false);
    return new Promise<boolean>((resolve) => {
      const cancel = this.setTimer(() => resolve(true), ms);
      void closed.then(() => {
        cancel();
        resolve(false);
      });
    });
  }

  clear(): void {
    for (const timer of this.#pending) clearTimeout(timer);
    this.#pending.clear();
  }
}
