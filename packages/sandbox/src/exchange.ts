import type { BodyPlan } from "./body-plans.js";
import type { ApiRoute, Route } from "./fault-routes.js";
import type { SandboxFlavor } from "./flavors.js";
import type { RateLimitOptions } from "./rate-limit.js";
import type { Reply } from "./reply.js";
import type { SandboxState } from "./sandbox-state.js";

export interface SendOptions {
  /** Write the JSON body as XML (`xml`) or as broken JSON (`malformed-json`) instead of as negotiated. */
  format?: "xml" | "malformed-json";
  /** How the body goes on the wire (whole, when omitted). */
  body?: BodyPlan;
}

/**
 * One request on its way through an origin, as a fault kind sees it: the answer the route would give,
 * and the means to send that answer, another one, or nothing. Each origin's gate comes first whatever
 * the fault: the API's rate limit, the storage origin's auth and signature checks.
 */
export interface Exchange {
  readonly origin: "api" | "storage";
  readonly route: Route;
  /** The job the request is about (the path's JobId, or the verified signed URL's), if any. */
  readonly jobId: string | undefined;
  /** The request's path and query, on a placeholder origin. */
  readonly url: URL;
  readonly state: SandboxState;
  /** The route's own answer, computed once: an export schedules its job, a replay creates one. */
  answer(): Reply;
  /** `reply` in place of the route's answer (which then never runs), behind the same gate. */
  instead(reply: Reply): Reply;
  /** This origin's server error: the API's error envelope, the storage origin's XML `InternalError`. */
  serverError(status: number): Reply;
  send(reply: Reply, options?: SendOptions): void;
  /** Resets the connection (TCP RST) with nothing sent. */
  reset(): void;
  /** Runs `run` after `ms` real milliseconds, unless the sandbox closes first; the function returned cancels it. */
  setTimer(run: () => void, ms: number): () => void;
}

/** An exchange on the API origin, which also knows the flavor and the rate limiter's settings. */
export interface ApiExchange extends Exchange {
  readonly origin: "api";
  readonly route: ApiRoute;
  readonly flavor: SandboxFlavor;
  /** Path segments after `/{Accounts}/{AccountSID}`, without a `.json` suffix. */
  readonly rest: readonly string[];
  readonly rateLimit: RateLimitOptions;
}

/** The exchange a fault aimed at `R` gets: an `ApiExchange` when every route it fits is an API route. */
export type ExchangeOn<R extends Route> = [R] extends [ApiRoute] ? ApiExchange : Exchange;
