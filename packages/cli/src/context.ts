import { basicAuthorization } from "@impactkit/core";
import type { Jobs, Logger } from "@impactkit/jobs";
import { EXIT, UsageError } from "./exit-codes.js";
import { APIS, jobsFor } from "./flavors.js";
import type { Output } from "./output.js";
import type { PartialFiles } from "./partial-files.js";
import { resolveAccount } from "./profiles.js";

/** The options every command shares. */
export interface GlobalOptions {
  profile?: string;
  api?: string;
  accountSid?: string;
  authToken?: string;
  baseUrl?: string;
  json?: boolean;
  verbose?: boolean;
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

/** A fetch that counts each request and logs its method, origin and path (never its query or headers) with --verbose. */
function loggingFetch(context: CommandContext, what: string): typeof fetch {
  const { output } = context;
  return async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    const started = performance.now();
    context.requests.sent += 1;
    if (request.method !== "GET" || /\/(ReportExport|ClickExport)(\/|$)/.test(url.pathname)) context.requests.effects += 1;
    output.debug(`→ ${what} ${request.method} ${url.origin}${url.pathname}`);
    const response = await fetch(request);
    output.debug(`← ${what} ${response.status} ${url.pathname} (${Math.round(performance.now() - started)} ms)`);
    return response;
  };
}

/**
 * The jobs of the account the flags, the environment (IMPACT_API, IMPACT_ACCOUNT_SID, IMPACT_AUTH_TOKEN,
 * IMPACT_BASE_URL) or a profile name (`resolveAccount`). The token is registered as a secret: it is masked
 * wherever it could be printed.
 */
export function openJobs(options: GlobalOptions, context: CommandContext, extra: { timeoutMs?: number; waitThroughError?: boolean; policy?: { firstDelayMs: number } } = {}): Jobs<{}> {
  const { api, accountSid, authToken, baseUrl } = resolveAccount(options, context.env);
  if (authToken) {
    context.output.addSecret(authToken);
    if (accountSid) context.output.addSecret(basicAuthorization(accountSid, authToken).slice("Basic ".length));
  }
  if (!api) throw new UsageError(`--api is required (${APIS.join(", ")}), or set IMPACT_API, or use a profile (--profile)`);
  if (!accountSid || !authToken) throw new UsageError("credentials are required: --profile <name> (impactkit profiles list), IMPACT_ACCOUNT_SID and IMPACT_AUTH_TOKEN, or --account-sid and --auth-token");
  const logger: Logger = { warn: (message) => context.output.debug(`! ${message}`) };
  return jobsFor(
    api,
    { accountSid, authToken, ...(baseUrl ? { baseUrl } : {}), fetch: loggingFetch(context, "api") },
    { logger, storageFetch: loggingFetch(context, "storage"), ...extra },
  );
}

export { EXIT };
