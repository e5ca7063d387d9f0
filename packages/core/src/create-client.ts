import createFetchClient, { createQuerySerializer, type Client, type Middleware } from "openapi-fetch";
import type { ApiSpec } from "./api-spec.js";
import { basicAuthorization } from "./basic-auth.js";
import { resolveClientOptions, type ClientOptions } from "./client-options.js";
import type { Transport, TransportOptions } from "./http/transport.js";

/** An openapi-fetch client bound to one account, plus what it was built from. */
export type ImpactClient<Paths extends {}> = Client<Paths> & {
  /** The API flavor and version the client's types were generated from. */
  readonly spec: ApiSpec;
  /** The account every path is under. */
  readonly accountSid: string;
  /** The URL every path is appended to: `baseUrl` + the flavor's base path with the Account SID filled. */
  readonly accountUrl: string;
  /**
   * How the client reaches the network, without its credentials: its proxy and limits. Its API calls go
   * through it unless a `fetch` was given; `@impactkit/jobs` fetches signed storage URLs with it.
   */
  readonly transport: Transport;
};

/** `createImpactClient` on the runtime's transport (`createTransport` of the entry point). */
export function createClientOn<Paths extends {}>(
  createTransport: (options: TransportOptions) => Transport,
  spec: ApiSpec,
  options: ClientOptions,
): ImpactClient<Paths> {
  const resolved = resolveClientOptions(options);
  const transport = createTransport({ proxy: options.proxy, connectTimeoutMs: options.connectTimeoutMs });
  const accountUrl = `${resolved.baseUrl}${spec.basePath.replace("{AccountSID}", encodeURIComponent(resolved.accountSid))}`;
  const client = createFetchClient<Paths>({
    baseUrl: accountUrl,
    // The Jobs API redirects only Download (to its signed storage URL), and a followed redirect would carry
    // these headers to whatever origin it names: redirects are returned to the caller, never followed.
    redirect: "manual",
    // One serializer for the client's life (openapi-fetch builds one per request when given none): the
    // default form/explode style, which the repeatable ClickExport filters use.
    querySerializer: createQuerySerializer(),
    fetch: options.fetch ?? ((request: Request) => transport.fetch(request)),
    headers: {
      Accept: "application/json",
      ...resolved.headers,
      Authorization: basicAuthorization(resolved.accountSid, resolved.authToken),
      "IR-Version": spec.apiVersion,
    },
  });
  client.use(boundedAnswers);
  return Object.assign(client, { spec, accountSid: resolved.accountSid, accountUrl, transport });
}

/**
 * The most an API answer may hold, but a Download's (the result itself, of any size): the Jobs API's answers
 * are Jobs, lists of them and error envelopes, a list of 1,000 jobs about 1 MB. A server that sends more fails
 * the call instead of filling the memory.
 */
export const MAX_API_ANSWER_BYTES: number = 64 << 20;

/** An answer longer than `MAX_API_ANSWER_BYTES`. */
export class AnswerTooLargeError extends Error {
  override name = "AnswerTooLargeError";
  readonly code = "ERR_IMPACTKIT_ANSWER_TOO_LARGE";
}

/** openapi-fetch middleware bounding every answer's body but a Download's (openapi-fetch reads error bodies whole). */
const boundedAnswers: Middleware = {
  onResponse({ request, response }) {
    if (response.body === null || new URL(request.url).pathname.endsWith("/Download")) return undefined;
    let received = 0;
    const limit = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        received += chunk.byteLength;
        if (received > MAX_API_ANSWER_BYTES)
          controller.error(
            new AnswerTooLargeError(`the answer to ${request.method} ${new URL(request.url).pathname} is larger than ${MAX_API_ANSWER_BYTES >> 20} MiB`),
          );
        else controller.enqueue(chunk);
      },
    });
    return new Response(response.body.pipeThrough(limit), { status: response.status, statusText: response.statusText, headers: response.headers });
  },
};
