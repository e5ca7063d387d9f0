/** The most the first retry waits; each later one may wait twice as long, up to `MAX_BACKOFF_MS`. */
const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 20_000;

/**
 * The package's one retry policy, for every retry — API calls, storage transfers and their parts, a
 * Download that still answers 202 — full-jitter exponential backoff
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/): after failed attempt
 * `attempt` (0 is the first), a random delay up to min(500 ms · 2^attempt, 20 s), and at least `minMs`
 * (what a server's `Retry-After` asked for, RFC 9110 §10.2.3).
 */
export function retryDelay(attempt: number, random: () => number, minMs = 0): number {
  return Math.max(minMs, Math.round(random() * Math.min(BASE_BACKOFF_MS * 2 ** attempt, MAX_BACKOFF_MS)));
}
