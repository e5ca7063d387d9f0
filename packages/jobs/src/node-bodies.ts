import type { Readable } from "node:stream";

/** The bodies of the responses `nodeFetch` made, as the Node.js streams they arrived as. */
const NODE_BODIES = new WeakMap<Response, Readable>();

/** The Node.js stream of a response made by `nodeFetch` (read it instead of `response.body`). */
export function nodeBody(response: Response): Readable | undefined {
  return NODE_BODIES.get(response);
}

/** Records that `response`'s bytes are `incoming` (for `nodeFetch`). */
export function setNodeBody(response: Response, incoming: Readable): void {
  NODE_BODIES.set(response, incoming);
}
