import type { LentBody } from "./http1-exchange.js";

/** The bodies of the responses `nodeFetch` made, read from their sockets. */
const NODE_BODIES = new WeakMap<Response, LentBody>();

/** The body of a response made by `nodeFetch` (read it instead of `response.body`); its chunks are lent. */
export function nodeBody(response: Response): LentBody | undefined {
  return NODE_BODIES.get(response);
}

/** Records that `response`'s bytes come from `body` (for `nodeFetch`). */
export function setNodeBody(response: Response, body: LentBody): void {
  NODE_BODIES.set(response, body);
}
