import { ImpactConfigError } from "../errors.js";
import { resolveTransportOptions, type Transport, type TransportOptions } from "./transport.js";

/**
 * The transport where Node.js's modules are not (browsers, Workers): the runtime's fetch, whose proxy is the
 * platform's. A `proxy` or `connectTimeoutMs` cannot be honoured there, so it is refused rather than ignored.
 */
export function createTransport(options: TransportOptions = {}): Transport {
  resolveTransportOptions(options);
  if (options.proxy)
    throw new ImpactConfigError("proxy", "proxy is honoured on Node.js, Deno and Bun; in a browser or a worker the platform's proxy settings apply");
  if (options.connectTimeoutMs !== undefined)
    throw new ImpactConfigError("connectTimeoutMs", "connectTimeoutMs is honoured on Node.js, Deno and Bun; in a browser or a worker the platform sets it");
  return { fetch: (input, init) => globalThis.fetch(input, init) };
}
