import type { ApiSpec } from "@impactkit/core";
import type { PollEngine } from "./poll-engine.js";
import type { CallContext } from "./transport.js";

/** The shape of an openapi-fetch client that the operations call, whatever its flavor. */
export interface LooseClient {
  GET(path: string, init: Record<string, unknown>): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  PUT(path: string, init: Record<string, unknown>): Promise<{ data?: unknown; error?: unknown; response: Response }>;
  readonly spec: ApiSpec;
  readonly accountSid: string;
  readonly accountUrl: string;
}

/** What every operation of a jobs instance shares. */
export interface JobsContext {
  client: LooseClient;
  call: CallContext;
  engine: PollEngine;
  /** Overall deadline of a wait, in ms. */
  timeoutMs: number;
  /** Whether a job in ERROR is waited through (impact.com retries it every 15 minutes) instead of failing the wait. */
  waitThroughError: boolean;
  /** The fetch used for signed storage URLs: never the API client's, so no API credential can reach storage. */
  storageFetch: typeof fetch;
}
