/**
 * How a faulty body goes on the wire: generators over the body's chunks that decide what is written
 * and when, and how the response finishes — `"end"` completes it, `"close"` drops the connection (a
 * body short of its `Content-Length`, which HTTP/1.1 reports as an incomplete message: RFC 9112 §8).
 */

/** How a shaped body finishes: the response ends, or the connection closes. */
export type Finish = "end" | "close";

/** What a plan knows of the response it shapes. */
export interface BodyWire {
  /** The `Content-Length` sent with the headers. */
  length: number;
  /**
   * Waits `ms` real milliseconds (forever when undefined); resolves `false` instead once the connection
   * closes (the client gave up, or `sandbox.close()`), after which the plan should return.
   */
  pause(ms?: number): Promise<boolean>;
}

/** A plan for one body: what to write of `source`, when, and how to finish. */
export type BodyPlan = (source: AsyncIterable<Buffer>, wire: BodyWire) => AsyncGenerator<Buffer, Finish, undefined>;

async function* pieces(source: AsyncIterable<Buffer>, size: number): AsyncGenerator<Buffer, void, undefined> {
  for await (const chunk of source) {
    for (let offset = 0; offset < chunk.length; offset += size) yield chunk.subarray(offset, offset + size);
  }
}

/** The whole body, then the response ends: for a fault that leaves some responses as they are. */
export const whole: BodyPlan = async function* (source) {
  for await (const chunk of source) yield chunk;
  return "end";
};

/** The first `keep` bytes, then the connection closes. */
export function cutAfter(keep: number): BodyPlan {
  return async function* (source) {
    let sent = 0;
    for await (const chunk of source) {
      const part = chunk.subarray(0, Math.max(0, keep - sent));
      sent += part.length;
      if (part.length > 0) yield part;
      if (sent >= keep) break;
    }
    return "close";
  };
}

/** The body in pieces of `bytes`, one every `intervalMs`, then the response ends. */
export function paced(bytes: number, intervalMs: number): BodyPlan {
  const size = Math.max(1, Math.floor(bytes));
  return async function* (source, wire) {
    let first = true;
    for await (const piece of pieces(source, size)) {
      if (!first && !(await wire.pause(intervalMs))) return "close";
      first = false;
      yield piece;
    }
    return "end";
  };
}

/**
 * The first `bytes` bytes, then nothing while the connection stays open — for `ms`, after which the
 * rest follows and the response ends, or (without `ms`) until the client or the sandbox closes it.
 */
export function stallAfter(bytes: number, ms: number | undefined): BodyPlan {
  return async function* (source, wire) {
    let sent = 0;
    let released = false;
    for await (const chunk of source) {
      let rest = chunk;
      while (rest.length > 0) {
        if (!released && sent >= bytes) {
          if (!(await wire.pause(ms))) return "close";
          released = true;
        }
        const part = released ? rest : rest.subarray(0, bytes - sent);
        sent += part.length;
        rest = rest.subarray(part.length);
        yield part;
      }
    }
    return "end";
  };
}

/**
 * The body at `bytesPerSecond` at most, as object storage carries one connection (a token bucket on the
 * bytes sent since the first: each piece waits until the rate allows it), then the response ends.
 */
export function throttled(bytesPerSecond: number): BodyPlan {
  return async function* (source, wire) {
    const started = performance.now();
    let sent = 0;
    for await (const piece of pieces(source, 64 << 10)) {
      const ahead = (sent / bytesPerSecond) * 1000 - (performance.now() - started);
      if (ahead >= 1 && !(await wire.pause(ahead))) return "close";
      yield piece;
      sent += piece.length;
    }
    return "end";
  };
}
