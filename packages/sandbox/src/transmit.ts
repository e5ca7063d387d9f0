import type { ServerResponse } from "node:http";
import type { BodyPlan, Finish } from "./body-plans.js";
import type { Payload } from "./reply.js";
import type { WireTimers } from "./wire-timers.js";

async function pump(response: ServerResponse, chunks: AsyncGenerator<Buffer, Finish, undefined>, closed: Promise<void>): Promise<void> {
  try {
    for (;;) {
      const next = await chunks.next();
      if (response.destroyed) {
        if (!next.done) await chunks.return("close");
        return;
      }
      if (next.done) {
        if (next.value === "close") response.write("", () => response.destroy());
        else response.end();
        return;
      }
      if (!response.write(next.value)) {
        const drained = await Promise.race([new Promise<boolean>((resolve) => response.once("drain", () => resolve(true))), closed.then(() => false)]);
        if (!drained) {
          await chunks.return("close");
          return;
        }
      }
    }
  } catch {
    response.destroy();
  }
}

/**
 * Writes a payload: its status and headers, then its body — piped whole, or as `plan` shapes it (cut
 * short, paced, stalled). A `HEAD` gets the headers only (RFC 9110 §9.3.2); a response whose connection
 * has already closed (a client that gave up during a stall) gets nothing.
 */
export function transmit(response: ServerResponse, payload: Payload, timers: WireTimers, plan?: BodyPlan): void {
  if (response.destroyed) return;
  response.writeHead(payload.status, payload.headers);
  if (response.req.method === "HEAD" || !payload.body) {
    response.end();
    return;
  }
  const source = payload.body();
  response.on("close", () => source.destroy());
  if (!plan) {
    source.pipe(response);
    return;
  }
  const closed = new Promise<void>((resolve) => response.once("close", () => resolve()));
  void pump(response, plan(source, { length: payload.length, pause: (ms) => timers.pause(ms, closed) }), closed);
}
