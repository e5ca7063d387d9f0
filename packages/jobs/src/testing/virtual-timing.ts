import type { Timing } from "../base/timing.js";

/**
 * Virtual time: timers fire only when the test advances the clock, in order, so timing logic is exact
 * and instant. `pending` is the number of armed timers.
 */
export class VirtualTiming implements Timing {
  time = 1_000_000;
  readonly #timers: Array<{ at: number; run: () => void; id: number }> = [];
  #ids = 0;
  readonly delays: number[] = [];
  readonly randoms: number[];

  constructor(randoms: number[] = []) {
    this.randoms = randoms;
  }

  now(): number {
    return this.time;
  }

  random(): number {
    return this.randoms.length > 0 ? this.randoms.shift()! : 0.5;
  }

  setTimer(run: () => void, ms: number): () => void {
    const id = (this.#ids += 1);
    this.delays.push(ms);
    this.#timers.push({ at: this.time + Math.max(0, ms), run, id });
    return () => {
      const index = this.#timers.findIndex((timer) => timer.id === id);
      if (index !== -1) this.#timers.splice(index, 1);
    };
  }

  get pending(): number {
    return this.#timers.length;
  }

  /** The time of the next timer, if any. */
  get next(): number | undefined {
    return this.#timers.reduce<number | undefined>((soonest, timer) => (soonest === undefined || timer.at < soonest ? timer.at : soonest), undefined);
  }

  /** Lets promises settle. */
  async settle(): Promise<void> {
    for (let index = 0; index < 20; index += 1) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Moves time forward by `ms`, firing due timers in order and letting promises settle after each. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    await this.settle();
    for (;;) {
      const due = this.#timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at || a.id - b.id)[0];
      if (!due) break;
      this.#timers.splice(this.#timers.indexOf(due), 1);
      this.time = Math.max(this.time, due.at);
      due.run();
      await this.settle();
    }
    this.time = end;
  }

  /** Advances to the next timer and fires it. */
  async step(): Promise<void> {
    const next = this.next;
    if (next !== undefined) await this.advance(next - this.time);
  }
}
