/**
 * `@impactkit/core` on Node.js, Deno and Bun (the `node` condition): the same API, with requests sent through
 * undici — proxies from the environment or the `proxy` option, a connect timeout, pooled connections.
 */
import type { ApiSpec } from "./api-spec.js";
import type { ClientOptions } from "./client-options.js";
import { createClientOn, type ImpactClient } from "./create-client.js";
import { createTransport } from "./http/node-transport.js";

export * from "./shared-exports.js";
export { createTransport };

/** `createImpactClient` of the universal entry, its requests sent through `createTransport`. */
export function createImpactClient<Paths extends {}>(spec: ApiSpec, options: ClientOptions): ImpactClient<Paths> {
  return createClientOn(createTransport, spec, options);
}
