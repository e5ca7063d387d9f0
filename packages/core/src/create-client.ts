import createFetchClient, { createQuerySerializer, type Client } from "openapi-fetch";
import type { ApiSpec } from "./api-spec.js";
import { basicAuthorization } from "./basic-auth.js";
import { resolveClientOptions, type ClientOptions } from "./client-options.js";

/** An openapi-fetch client bound to one account, plus what it was built from. */
export type ImpactClient<Paths extends {}> = Client<Paths> & {
  /** The API flavor and version the client's types were generated from. */
  readonly spec: ApiSpec;
  /** The account every path is under. */
  readonly accountSid: string;
  /** The URL every path is appended to: `baseUrl` + the flavor's base path with the Account SID filled. */
  readonly accountUrl: string;
  /** Whether requests go through a `fetch` given in the options (a proxy, retries…) rather than the runtime's. */
  readonly customFetch: boolean;
};

/**
 * Builds the typed client of one flavor. Every request carries HTTP Basic credentials
 * (https://integrations.impact.com/impact-brand/reference/authentication), `Accept: application/json`
 * (the API answers XML otherwise: https://integrations.impact.com/impact-brand/reference/responses) and
 * `IR-Version: <spec.apiVersion>`, so the account's configured default version never silently differs
 * from the types (https://integrations.impact.com/impact-brand/reference/versioning). Redirects are
 * not followed (`redirect: "manual"`): a 3xx comes back as the response, so that the credentials and
 * custom headers never reach another origin (the Fetch standard keeps them on a cross-origin redirect).
 */
export function createImpactClient<Paths extends {}>(spec: ApiSpec, options: ClientOptions): ImpactClient<Paths> {
  const resolved = resolveClientOptions(options);
  const accountUrl = `${resolved.baseUrl}${spec.basePath.replace("{AccountSID}", encodeURIComponent(resolved.accountSid))}`;
  const client = createFetchClient<Paths>({
    baseUrl: accountUrl,
    // The Jobs API redirects only Download (to its signed storage URL), and a followed redirect would carry
    // these headers to whatever origin it names: redirects are returned to the caller, never followed.
    redirect: "manual",
    // One serializer for the client's life (openapi-fetch builds one per request when given none): the
    // default form/explode style, which the repeatable ClickExport filters use.
    querySerializer: createQuerySerializer(),
    ...(options.fetch ? { fetch: options.fetch } : {}),
    headers: {
      Accept: "application/json",
      ...resolved.headers,
      Authorization: basicAuthorization(resolved.accountSid, resolved.authToken),
      "IR-Version": spec.apiVersion,
    },
  });
  return Object.assign(client, { spec, accountSid: resolved.accountSid, accountUrl, customFetch: options.fetch !== undefined });
}
