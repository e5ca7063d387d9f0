/**
 * `@impactkit/core` where Node.js's modules are not (browsers, Workers, `platform: "neutral"` bundles): the
 * runtime's fetch. The `node` condition (`node.ts`) sends requests through undici instead.
 *
 * @packageDocumentation
 */
import type { ApiSpec } from "./api-spec.js";
import type { ClientOptions } from "./client-options.js";
import { createClientOn, type ImpactClient } from "./create-client.js";
import { createTransport } from "./http/web-transport.js";

export * from "./shared-exports.js";
export { createTransport };

/**
 * Builds the typed client of one flavor. Every request carries HTTP Basic credentials
 * (https://integrations.impact.com/impact-brand/reference/authentication), `Accept: application/json`
 * (the API answers XML otherwise: https://integrations.impact.com/impact-brand/reference/responses) and
 * `IR-Version: <spec.apiVersion>`, so the account's configured default version never silently differs
 * from the types (https://integrations.impact.com/impact-brand/reference/versioning). Redirects are
 * never followed: a 3xx comes back as the response, so that the credentials and custom headers never
 * reach another origin (the Fetch standard keeps them on a cross-origin redirect).
 */
export function createImpactClient<Paths extends {}>(spec: ApiSpec, options: ClientOptions): ImpactClient<Paths> {
  return createClientOn(createTransport, spec, options);
}
