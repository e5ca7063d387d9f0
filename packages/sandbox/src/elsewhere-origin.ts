import type { IncomingMessage, ServerResponse } from "node:http";
import { encode } from "./reply.js";
import { queryOf } from "./request-log.js";
import type { SandboxState } from "./sandbox-state.js";
import { readStorageRequest } from "./storage-origin.js";
import { transmit } from "./transmit.js";
import { toWireJob, wireDate } from "./wire-job.js";
import type { WireTimers } from "./wire-timers.js";

/** A request the elsewhere origin received, exactly as sent. */
export interface ElsewhereRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Header names (lower case) and values, credentials included. */
  headers: Record<string, string>;
}

const NOBODY = "00000000-0000-4000-8000-000000000000";

/** The Job of a job id in the path, as the API sends it now; a completed stand-in when the path names none. */
function jobShaped(state: SandboxState, url: URL): Record<string, string | null> {
  const now = state.clock.now();
  const job = url.pathname
    .split("/")
    .map((segment) => state.jobs.get(segment.replace(/\.json$/, "").toLowerCase()))
    .find((found) => found !== undefined);
  if (job) return toWireJob(state.flavors.find((flavor) => flavor.id === job.flavor)!, job, now);
  const date = wireDate(now);
  return {
    Id: NOBODY,
    Type: "ApiReport",
    ProgramId: "0",
    CreatedBy: "",
    CreatedDate: date,
    StartedDate: date,
    CompletedDate: date,
    AbandonedDate: "",
    CancelledDate: "",
    FailedDate: "",
    LastProgressUpdateDate: date,
    Status: "COMPLETED",
    StatusMessage: "Job completed successfully",
    RecordsProcessed: "0",
    PercentageComplete: "100",
    Replayable: "false",
    ResultUri: `/Jobs/${NOBODY}/Download`,
  };
}

/**
 * Another origin, where the `redirect` and `storage-redirect` faults send a client: it records every
 * request with its headers unredacted — so that a test can assert that no `Authorization` or custom
 * header reached it (Fetch drops `Authorization` on a cross-origin redirect: https://fetch.spec.whatwg.org/#http-redirect-fetch) —
 * and answers a signed `/results/…` URL as the storage origin does (a CDN in front of the same
 * objects), any other path with 200 and a Job-shaped JSON body.
 */
export function elsewhereOrigin(
  state: SandboxState,
  log: ElsewhereRequest[],
  timers: WireTimers,
): (request: IncomingMessage, response: ServerResponse) => void {
  return (request, response) => {
    const url = new URL(request.url ?? "/", "http://elsewhere.invalid");
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(", ") : value;
    log.push({ method: request.method ?? "GET", path: url.pathname, query: queryOf(url), headers });
    if (url.pathname.startsWith("/results/")) {
      const read = readStorageRequest(state, request, url);
      return transmit(response, encode(read.refusal ?? read.object(), "json"), timers);
    }
    transmit(response, encode({ status: 200, json: jobShaped(state, url) }, "json"), timers);
  };
}
