import { basicAuthorization, createTransport, ImpactConfigError, type Transport, type TransportOptions } from "@impactkit/core";
import { DEFAULT_POLL_POLICY, type Jobs, type Logger } from "@impactkit/jobs";
import { parseDuration, parseTimeout } from "./duration.js";
import { EXIT, UsageError } from "./exit-codes.js";
import { APIS, jobsFor } from "./flavors.js";
import type { Output } from "./output.js";
import type { PartialFiles } from "./partial-files.js";
import { type Account, resolveAccount } from "./profiles.js";
import { humanDurations } from "./human.js";

/** The options every command shares. */
export interface GlobalOptions {
  profile?: string;
  api?: string;
  accountSid?: string;
  authToken?: string;
  baseUrl?: string;
  json?: boolean;
  verbose?: boolean;
  debug?: boolean;
  quiet?: boolean;
  /** false with `--no-color`. */
  color?: boolean;
  /** A proxy URL, or false (`--no-proxy`) for none; unset, HTTPS_PROXY/HTTP_PROXY/NO_PROXY apply. */
  proxy?: string | false;
  connectTimeout?: string;
  requestTimeout?: string;
}

/**
 * How the command reaches the network, from `--proxy`/`--no-proxy` and `--connect-timeout` (and, without
 * them, HTTPS_PROXY, HTTP_PROXY and NO_PROXY): checked before any request, a bad value a usage error naming
 * the flag or the variable.
 */
export function networkOf(options: GlobalOptions): { transport: Transport; options: TransportOptions } {
  const chosen: TransportOptions = {
    ...(options.proxy !== undefined ? { proxy: options.proxy } : {}),
    ...(options.connectTimeout !== undefined ? { connectTimeoutMs: parseTimeout(options.connectTimeout, "--connect-timeout") } : {}),
  };
  try {
    return { transport: createTransport(chosen), options: chosen };
  } catch (error) {
    if (error instanceof ImpactConfigError)
      throw new UsageError(error.option === "proxy" ? error.message.replace(/^proxy /, "--proxy ") : `the ${error.option} variable: ${error.message}`);
    throw error;
  }
}

export interface CommandContext {
  output: Output;
  env: NodeJS.ProcessEnv;
  /** Aborted by a signal or a closed pipe (its reason an `Interruption`): stops the request in flight and any wait or download. */
  signal: AbortSignal;
  /** The temporary files of the downloads in flight, for an exit that cannot wait for their cleanup. */
  partials: PartialFiles;
  /**
   * How many requests the command has sent, and how many of them could change something (an export, a
   * replay): a usage error (exit 2) says none of those was — reads such as a report's metadata may come first.
   */
  requests: { sent: number; effects: number };
}

/** `transport`'s fetch, counting each request and logging its method, origin and path (never its query or headers) with --verbose. */
/** A query as people read it: its escapes decoded where they decode. */
function readable(search: string): string {
  try {
    return decodeURIComponent(search);
  } catch {
    return search;
  }
}

function loggingFetch(context: CommandContext, transport: Transport, what: string): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  const { output } = context;
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const started = performance.now();
    context.requests.sent += 1;
    if (request.method !== "GET" || /\/(ReportExport|ClickExport)(\/|$)/.test(url.pathname)) context.requests.effects += 1;
    // --debug shows the API's query (what `--created-after 7d` became); a storage URL's query is its signature, never shown.
    const query = output.debugging && url.search ? (what === "storage" ? "?…" : readable(url.search)) : "";
    output.debug(`→ ${what} ${request.method} ${url.origin}${url.pathname}${query}`);
    const response = await transport.fetch(request);
    output.debug(`← ${what} ${response.status} ${url.pathname} (${Math.round(performance.now() - started)} ms)`);
    return response;
  };
}

/**
 * The jobs of the account the flags, the environment (IMPACT_API, IMPACT_ACCOUNT_SID, IMPACT_AUTH_TOKEN,
 * IMPACT_BASE_URL) or a profile name (`resolveAccount`). The token is registered as a secret: it is masked
 * wherever it could be printed.
 */
export function openJobs(
  options: GlobalOptions,
  context: CommandContext,
  extra: { timeoutMs?: number; callTimeoutMs?: number; connections?: number; waitThroughError?: boolean; policy?: { firstDelayMs: number } } = {},
  account: Account = resolveAccount(options, context.env),
): Jobs<{}> {
  const { api, accountSid, authToken, baseUrl } = account;
  if (authToken) {
    context.output.addSecret(authToken);
    if (accountSid) context.output.addSecret(basicAuthorization(accountSid, authToken).slice("Basic ".length));
  }
  if (!api) throw new UsageError(`--api is required (${APIS.join(", ")}), or set IMPACT_API, or use a profile (--profile)`);
  if (!accountSid || !authToken)
    throw new UsageError(
      "credentials are required: --profile <name> (impactkit profiles list), IMPACT_ACCOUNT_SID and IMPACT_AUTH_TOKEN, or --account-sid and --auth-token",
    );
  const logger: Logger = { warn: (message) => context.output.debug(`! ${humanDurations(message)}`) };
  const { transport } = networkOf(options);
  const requestTimeoutMs = options.requestTimeout === undefined ? {} : { requestTimeoutMs: parseTimeout(options.requestTimeout, "--request-timeout") };
  return jobsFor(
    api,
    { accountSid, authToken, ...(baseUrl ? { baseUrl } : {}), fetch: loggingFetch(context, transport, "api") },
    { logger, storageFetch: loggingFetch(context, transport, "storage"), ...requestTimeoutMs, ...extra },
  );
}

export { EXIT };

/** `--timeout` of a command that makes one call: how long the call may take, its retries included. */
export const CALL_TIMEOUT_OPTION: readonly [string, string, string] = ["--timeout <duration>", "give up after this long, retries included (90s, 2m)", "2m"];

/**
 * `--first-check` of a command that waits for a job: when to check an unfinished job first; later checks back off
 * as the library's poll policy does (`DEFAULT_POLL_POLICY`, whose values the help gives).
 */
export const FIRST_CHECK_OPTION: readonly [string, string, string] = [
  "--first-check <duration>",
  `when to check an unfinished job first (later checks back off from ${DEFAULT_POLL_POLICY.minDelayMs / 1000}s to ${DEFAULT_POLL_POLICY.maxDelayMs / 1000}s)`,
  `${DEFAULT_POLL_POLICY.firstDelayMs / 1000}s`,
];

/** The poll policy of `--first-check <value>`. */
export const firstCheckPolicy = (value: string): { firstDelayMs: number } => ({ firstDelayMs: parseDuration(value, "--first-check") });

/**
 * `--through-error` of a command that waits for a job: a job in ERROR is retried by impact.com every 15
 * minutes (https://integrations.impact.com/impact-brand/reference/retrieve-a-job), up to 5 times, so waiting through it
 * can still end COMPLETED.
 */
export const THROUGH_ERROR_OPTION: readonly [string, string] = [
  "--through-error",
  "wait through ERROR (impact.com retries it every 15 minutes) instead of failing",
];

/** `--connections` of a command that downloads: how many parts of a large result are fetched at once. */
export const CONNECTIONS_OPTION: readonly [string, string, string] = [
  "--connections <n>",
  "connections fetching parts of a large result at once (1 to 32)",
  "8",
];

/** `--connections`' value, checked. */
export function parseConnections(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > 32) throw new UsageError(`--connections takes a whole number from 1 to 32, got ${JSON.stringify(text)}`);
  return value;
}
