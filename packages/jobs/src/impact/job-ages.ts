/**
 * When this instance created jobs (exports, replays), so that a wait knows how old its job is: a job
 * created a moment ago gets the poll policy's first delay, counted from its creation; any other — created
 * elsewhere, or long before the call — is checked at once. Entries older than `horizonMs` (the first
 * delay) tell nothing more and are forgotten, so the map stays small however many jobs an instance makes.
 */
export class JobAges {
  readonly #horizonMs: number;
  /** In order of creation: the oldest first. */
  readonly #createdAt = new Map<string, number>();

  constructor(horizonMs: number) {
    this.#horizonMs = horizonMs;
  }

  /** `jobId` was created (or returned by an identical export) at `at`. */
  created(jobId: string, at: number): void {
    this.#createdAt.delete(jobId);
    this.#createdAt.set(jobId, at);
    for (const [id, createdAt] of this.#createdAt) {
      if (at - createdAt <= this.#horizonMs) break;
      this.#createdAt.delete(id);
    }
  }

  /** How old `jobId` is at `now`, or `Infinity` when this instance did not create it lately. */
  ageMs(jobId: string, now: number): number {
    const createdAt = this.#createdAt.get(jobId);
    return createdAt === undefined ? Number.POSITIVE_INFINITY : Math.max(0, now - createdAt);
  }
}
