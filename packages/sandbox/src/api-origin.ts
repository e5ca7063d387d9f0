import type { IncomingMessage, ServerResponse } from "node:http";
import { authenticate, type SandboxAccount } from "./accounts.js";
import { matchRoute } from "./api-routes.js";
import type { ApiExchange } from "./exchange.js";
import { applyFault, keepsBodyValid } from "./fault-kinds.js";
import type { FaultPlan } from "./faults.js";
import { flavorOf } from "./flavors.js";
import type { RateLimiter } from "./rate-limit.js";
import { encode, errorReply, rateLimitedReply, serverErrorReply, type Reply } from "./reply.js";
import { logEntry, type LoggedRequest } from "./request-log.js";
import type { ResponseValidator } from "./response-validator.js";
import type { SandboxState } from "./sandbox-state.js";
import { transmit } from "./transmit.js";
import type { WireTimers } from "./wire-timers.js";

/** What the API origin reads and records. */
export interface ApiOriginParts {
  state: SandboxState;
  accounts: readonly SandboxAccount[];
  faults: FaultPlan;
  limiter: RateLimiter;
  validator: ResponseValidator;
  log: LoggedRequest[];
  timers: WireTimers;
}

/**
 * The API origin's pipeline, in the order impact.com applies it: the path's flavor and account, HTTP
 * Basic auth (https://integrations.impact.com/impact-brand/reference/authentication), the route, the
 * hourly rate limit (https://integrations.impact.com/impact-brand/reference/rate-limits), then the fault
 * if one is due, and every JSON body the route or a body-preserving fault sends checked against the
 * flavor's merged spec. JSON only for `Accept: application/json` or a `.json` suffix
 * (https://integrations.impact.com/impact-brand/reference/responses).
 */
export function apiOrigin(parts: ApiOriginParts): (request: IncomingMessage, response: ServerResponse) => void {
  const { state, accounts, faults, limiter, validator, log, timers } = parts;
  return (request, response) => {
    const method = request.method ?? "GET";
    const url = new URL(request.url ?? "/", "http://sandbox.invalid");
    const entry = logEntry("api", method, url, request.headers);
    log.push(entry);
    response.on("finish", () => (entry.status = response.statusCode));
    let segments: string[];
    try {
      segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      return transmit(response, encode(errorReply(400, "The request path is not valid percent-encoding."), "json"), timers);
    }
    const last = segments.at(-1);
    const jsonSuffix = last?.endsWith(".json") ?? false;
    if (jsonSuffix) segments[segments.length - 1] = last!.slice(0, -".json".length);
    const format = jsonSuffix || (request.headers.accept ?? "").includes("application/json") ? "json" : "xml";
    const refuse = (reply: Reply) => transmit(response, encode(reply, format), timers);
    const irVersion = request.headers["ir-version"];
    const flavor = flavorOf(state.flavors, segments[0] ?? "", Array.isArray(irVersion) ? irVersion[0] : irVersion);
    if (flavor && "unknownVersion" in flavor) return refuse(errorReply(400, `IR-Version ${flavor.unknownVersion} is not a version of this API`));
    if (!flavor || segments.length < 3) return refuse(errorReply(404, "The requested resource does not exist."));
    const accountSid = segments[1]!;
    if (!authenticate(accounts, request.headers.authorization, accountSid, flavor.id)) {
      return refuse({
        ...errorReply(401, "Unauthorized. Check that your Account SID and Auth Token are correct."),
        headers: { "WWW-Authenticate": 'Basic realm="impact.com"' },
      });
    }
    const rest = segments.slice(2);
    const matched = matchRoute(flavor, method, rest);
    if ("error" in matched) return refuse(matched.error);
    const rate = limiter.take(flavor, accountSid, state.clock.now());
    const fault = faults.take(matched.route, matched.jobId);
    if (fault) entry.fault = fault.kind;
    const spent: Reply | undefined = rate.allowed ? undefined : rateLimitedReply(rate.headers);
    const withRate = (reply: Reply): Reply => ({ ...reply, headers: { ...rate.headers, ...reply.headers } });
    let answered: Reply | undefined;
    const exchange: ApiExchange = {
      origin: "api",
      route: matched.route,
      jobId: matched.jobId,
      url,
      state,
      flavor,
      rest,
      rateLimit: limiter.options,
      answer: () => (answered ??= spent ?? withRate(matched.handle({ state, flavor, accountSid, url, rest }))),
      instead: (reply) => spent ?? withRate(reply),
      serverError: serverErrorReply,
      send(reply, options = {}) {
        if (reply.json !== undefined && keepsBodyValid(fault)) validator.check(flavor, matched.route, reply.status, reply.json);
        transmit(response, encode(reply, options.format ?? format), timers, options.body);
      },
      reset: () => void response.socket?.resetAndDestroy(),
      setTimer: (run, ms) => timers.setTimer(run, ms),
    };
    applyFault(fault, exchange);
  };
}
