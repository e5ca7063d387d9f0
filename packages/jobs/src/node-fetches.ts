import type { RuntimeFetches } from "./context.js";

function onNode(): boolean {
  return typeof process !== "undefined" && typeof process.versions?.node === "string";
}

/** `nodeFetch`, its module (node:net, node:tls) loaded on first use. */
const loadedNodeFetch: typeof fetch = async (input, init) => (await import("./node-transport.js")).nodeFetch(input, init);

/**
 * The fetches of the Node.js entry point: `nodeFetch` (HTTP/1.1 read from the socket into a reused buffer)
 * for storage and for large API answers, for the wire's speed, wherever `process.versions.node` says Node.js's
 * modules are there — Deno, which takes this entry too, says so (its test downloads through it); any other
 * runtime keeps its own fetch.
 */
export const NODE_FETCHES: RuntimeFetches = {
  storageFetch: (input, init) => (onNode() ? loadedNodeFetch(input, init) : fetch(input, init)),
  bulkFetch: onNode() ? loadedNodeFetch : undefined,
};
