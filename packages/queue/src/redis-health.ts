import type { Logger } from "@impactkit/jobs";
import { say } from "./log-levels.js";

/** The codes and messages of a Redis that cannot be reached (ioredis' connection errors), as opposed to a command's error. */
const UNREACHABLE = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|EPIPE|Connection is closed|connect ETIMEDOUT|Stream isn't writeable/;

/** Something that reports errors: ioredis clients and BullMQ's queues and workers. */
interface Emitter {
  on(event: "error", listener: (error: Error) => void): unknown;
}

/**
 * One line when Redis goes away and one when it is back, however many connections, queues and workers
 * report it and however often they reconnect: every `error` listener of the BullMQ objects and ioredis
 * clients goes here, so nothing reaches the raw console (BullMQ prints an `error` nobody listens to with
 * `console.error`). Other errors are logged as they come. `where` is the host and port only: a Redis URL
 * may carry a password.
 */
export class RedisHealth {
  /** One per logger and Redis: a producer and a worker of one process that share a logger say an outage once. */
  static readonly #shared = new WeakMap<Logger, Map<string, RedisHealth>>();
  readonly #where: string;
  readonly #logger: Logger | undefined;
  #downSince: number | undefined;

  private constructor(where: string, logger: Logger | undefined) {
    this.#where = where;
    this.#logger = logger;
  }

  /** The reporter of `logger` for the Redis of `redisUrl`. */
  static of(redisUrl: string, logger: Logger | undefined): RedisHealth {
    const url = new URL(redisUrl);
    const where = `${url.hostname}:${url.port || "6379"}`;
    if (!logger) return new RedisHealth(where, undefined);
    const byRedis = RedisHealth.#shared.get(logger) ?? new Map<string, RedisHealth>();
    RedisHealth.#shared.set(logger, byRedis);
    const known = byRedis.get(where) ?? new RedisHealth(where, logger);
    byRedis.set(where, known);
    return known;
  }

  /** Listens to `emitter`'s errors. */
  watch(emitter: Emitter): void {
    emitter.on("error", (error) => this.failed(error));
  }

  /** Listens to a connection's errors, and to its `ready`, which says that Redis is back. */
  watchConnection(connection: Emitter & { on(event: "ready", listener: () => void): unknown }): void {
    this.watch(connection);
    connection.on("ready", () => this.ready());
  }

  /** Whether Redis is unreachable as far as this process knows. */
  get down(): boolean {
    return this.#downSince !== undefined;
  }

  failed(error: Error): void {
    if (!UNREACHABLE.test(`${(error as NodeJS.ErrnoException).code ?? ""} ${error.message}`)) {
      this.#logger?.warn(`queue: ${error.message}`);
      return;
    }
    if (this.#downSince !== undefined) return;
    this.#downSince = Date.now();
    const message = `Redis at ${this.#where} cannot be reached (${error.message}); pipelines wait in Redis and go on when it is back`;
    say(this.#logger, "error", message, { redis: this.#where });
  }

  ready(): void {
    if (this.#downSince === undefined) return;
    const seconds = Math.round((Date.now() - this.#downSince) / 1000);
    this.#downSince = undefined;
    say(this.#logger, "info", `Redis at ${this.#where} is back after ${seconds} s`, { redis: this.#where });
  }
}
