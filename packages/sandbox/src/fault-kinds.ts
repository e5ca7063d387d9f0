import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { promisify } from "node:util";
import { gzip } from "node:zlib";
import { cutAfter, paced, stallAfter, whole } from "./body-plans.js";
import type { Exchange, ExchangeOn } from "./exchange.js";
import { API_ROUTES, ROUTES, type Route } from "./fault-routes.js";
import { resetHeader } from "./rate-limit.js";
import { errorAs200Reply, rateLimitedReply, type Reply } from "./reply.js";
import type { SandboxState } from "./sandbox-state.js";

/**
 * The registry of fault kinds: each kind's options (the `Fault` union), where it can happen, whether the
 * body it leaves still matches the spec, and how it delivers the response. A new kind is one member of
 * `Fault` and one entry of `SPECS`, both here; the mapped type of `SPECS` refuses a kind without an entry.
 */

/** What can go wrong on the wire. */
export type Fault =
  /** A server error with the origin's error body (the API's envelope, the storage origin's XML). */
  | { kind: "status"; status: 500 | 502 | 503 | 504 }
  /** 429 with `Retry-After` (seconds) and the flavor's rate-limit headers showing nothing left. */
  | { kind: "rate-limit"; retryAfterSeconds?: number }
  /** The connection is reset before any response. */
  | { kind: "reset" }
  /** Nothing is sent for `ms` real milliseconds (forever when omitted, until the client gives up or the sandbox closes). */
  | { kind: "stall"; ms?: number }
  /** The body is sent in small pieces, `bytesPerSecond` at most. */
  | { kind: "slow"; bytesPerSecond: number }
  /** `Content-Length` promises the whole body, then the connection closes after `fraction` of it (default 0.5). */
  | { kind: "truncate"; fraction?: number }
  /** Download redirects to a signed URL that has already expired. */
  | { kind: "expired-url" }
  /** A Job carries a `Status` the docs do not list (default `PAUSED`). */
  | { kind: "unknown-status"; status?: string }
  /** The body is not valid JSON although it says it is. */
  | { kind: "malformed-json" }
  /** The body is XML although the request asked for JSON. */
  | { kind: "xml" }
  /** An export is refused with HTTP 200 and `{"Status":"ERROR","Message":…}`, as the agency API does. */
  | { kind: "export-error"; message?: string }
  /**
   * Status, headers (with the full `Content-Length`) and the first `afterBytes` bytes of the body (default
   * 4096, at most all but the last byte), then nothing on an open connection: for `ms` real milliseconds,
   * after which the rest follows, or (without `ms`) until the client gives up or the sandbox closes.
   */
  | { kind: "body-stall"; afterBytes?: number; ms?: number }
  /** The body in pieces of `bytes` (default 256), one every `intervalMs` real milliseconds (default 20). */
  | { kind: "trickle"; bytes?: number; intervalMs?: number }
  /**
   * The stored result takes its next version (new `ETag`, `Last-Modified`, content and size), so that a
   * resume must tell versions apart with `If-Range` (RFC 9110 §13.1.5). Without
   * `afterBytes` it does so before this request is answered; with it, this response sends the first
   * `afterBytes` bytes of the version it started with, then the connection closes, and the next request
   * finds the new version.
   */
  | { kind: "object-changed"; afterBytes?: number }
  /**
   * The body is gzipped (`Content-Encoding: gzip`, `Content-Length` of the encoded bytes) whatever
   * `Accept-Encoding` says, `identity` (no coding, RFC 9110 §12.5.3) included; a 206 gzips the requested
   * range alone and keeps its identity `Content-Range`, although its positions would have to count the
   * encoded representation's bytes (RFC 9110 §8.4, §14.4).
   */
  | { kind: "gzip" }
  /**
   * The API answers a redirect (RFC 9110 §15.4; default 302) to the same path and query on another origin
   * (`sandbox.elsewhereUrl`), although the Jobs API redirects only Download.
   */
  | { kind: "redirect"; status?: 301 | 302 | 303 | 307 | 308 }
  /**
   * The result's redirect points where it should not: Download's 302 to the temporary signed URL
   * (https://integrations.impact.com/impact-brand/reference/download-a-job), or the storage origin itself
   * (which answers a redirect instead of the object), sends the client to the signed URL on the
   * storage origin's cleartext listener (`http`), to the same signed path on another origin
   * (`other-origin`), or to a `data:text/csv` URL that is not the result (`data`).
   */
  | { kind: "storage-redirect"; to: "http" | "data" | "other-origin"; status?: 301 | 302 | 303 | 307 | 308 }
  /**
   * A 200 whose body is no Job and no list (https://integrations.impact.com/impact-brand/reference/retrieve-a-job):
   * `null` (default), `[]`, `{}` or a JSON string.
   */
  | { kind: "non-job-body"; body?: null | readonly [] | Record<string, never> | string }
  /**
   * A Job's `Status` in another letter case than the upper-case values the docs list
   * (https://integrations.impact.com/impact-brand/reference/jobs-object): `completed` (`lower`, default) or `Completed` (`title`).
   */
  | { kind: "status-case"; case?: "lower" | "title" };

/** The name of a kind of fault (`FAULT_KINDS` describes each). */
export type FaultKind = Fault["kind"];

/** The options of one fault kind. */
export type FaultOf<K extends FaultKind> = Extract<Fault, { kind: K }>;

/** What the registry says of a fault kind. */
export interface FaultKindInfo<K extends FaultKind = FaultKind> {
  readonly kind: K;
  /** What a client sees, in a sentence. */
  readonly summary: string;
  /** The routes the fault can be injected on (`control.inject` refuses the others). */
  readonly routes: readonly Route[];
  /**
   * Whether a JSON body sent under this fault still matches the flavor's merged spec: `violations()`
   * checks responses under these faults and leaves the others out.
   */
  readonly keepsBodyValid: boolean;
  /** The fault with typical options, for suites that go through every kind. */
  readonly example: FaultOf<K>;
}

interface FaultKindSpec<K extends FaultKind, R extends Route> extends FaultKindInfo<K> {
  readonly routes: readonly R[];
  /** Delivers the response of one request under this fault. */
  apply(fault: FaultOf<K>, exchange: ExchangeOn<R>): void;
}

function define<K extends FaultKind, R extends Route>(spec: FaultKindSpec<K, R>): FaultKindSpec<K, Route> {
  return spec;
}

type RedirectStatus = 301 | 302 | 303 | 307 | 308;

/** The Job objects in a JSON body: a Job, the agency's bare array, or `{Jobs: […]}`. */
function jobsIn(json: unknown): Array<Record<string, unknown>> {
  const list = Array.isArray(json)
    ? json
    : typeof json === "object" && json !== null && Array.isArray((json as { Jobs?: unknown }).Jobs)
      ? (json as { Jobs: unknown[] }).Jobs
      : [json];
  return list.filter((item): item is Record<string, unknown> => typeof item === "object" && item !== null && "Id" in item && "Status" in item);
}

function withStatuses(reply: Reply, change: (status: string) => string): Reply {
  for (const job of jobsIn(reply.json)) job["Status"] = change(String(job["Status"]));
  return reply;
}

/** What a `data:` redirect hands out instead of the result: a CSV of the same header and a row that says so. */
const NOT_THE_RESULT = "ActionId,EventDate,ProgramId,Clicks,Amount\nnot-the-result,1970-01-01,0,0,0.00\n";

/** Where a `storage-redirect` sends the client, given the signed URL's path and query. */
function misdirected(to: FaultOf<"storage-redirect">["to"], signed: URL, state: SandboxState): string {
  if (to === "data") return `data:text/csv;charset=utf-8,${encodeURIComponent(NOT_THE_RESULT)}`;
  return `${to === "http" ? state.cleartextStorageOrigin : state.elsewhereOrigin}${signed.pathname}${signed.search}`;
}

async function gzipped(reply: Reply): Promise<Reply> {
  const raw = reply.raw!;
  const encoded = await promisify(gzip)(await buffer(raw.stream()));
  return {
    ...reply,
    headers: { ...reply.headers, "Content-Encoding": "gzip" },
    raw: { ...raw, length: encoded.length, stream: () => Readable.from([encoded]) },
  };
}

const SPECS: { readonly [K in FaultKind]: FaultKindSpec<K, Route> } = {
  status: define({
    kind: "status",
    summary: "500/502/503/504 with the error envelope (the XML `InternalError` on storage); the route does not run",
    routes: ROUTES,
    keepsBodyValid: true,
    example: { kind: "status", status: 503 },
    apply: (fault, exchange) => exchange.send(exchange.instead(exchange.serverError(fault.status))),
  }),
  "rate-limit": define({
    kind: "rate-limit",
    summary: "429 with `Retry-After` and nothing remaining",
    routes: API_ROUTES,
    keepsBodyValid: true,
    example: { kind: "rate-limit", retryAfterSeconds: 2 },
    apply(fault, exchange) {
      // As in the docs' example 429, the budget renews when Retry-After says (RateLimit-Reset: 700, Retry-After: 700):
      // https://integrations.impact.com/impact-brand/reference/rate-limits
      const names = exchange.flavor.traits.rateLimitHeaders;
      const seconds = fault.retryAfterSeconds ?? 1;
      const reset = resetHeader(exchange.flavor, exchange.rateLimit.resetFormat, {
        secondsLeft: seconds,
        epochSecond: Math.floor(exchange.state.clock.now() / 1000) + seconds,
      });
      const headers = { [names.remaining]: "0", [names.reset]: reset, "Retry-After": String(seconds) };
      exchange.send(exchange.instead(rateLimitedReply(headers)));
    },
  }),
  reset: define({
    kind: "reset",
    summary: "the connection is reset (the route has run: an export or a replay happened)",
    routes: ROUTES,
    keepsBodyValid: false,
    example: { kind: "reset" },
    apply(_fault, exchange) {
      exchange.answer();
      exchange.reset();
    },
  }),
  stall: define({
    kind: "stall",
    summary: "nothing is sent for `ms` (forever when omitted)",
    routes: ROUTES,
    keepsBodyValid: true,
    example: { kind: "stall" },
    apply(fault, exchange) {
      const reply = exchange.answer();
      if (fault.ms !== undefined) exchange.setTimer(() => exchange.send(reply), fault.ms);
    },
  }),
  slow: define({
    kind: "slow",
    summary: "the body drips at `bytesPerSecond`",
    routes: ROUTES,
    keepsBodyValid: true,
    example: { kind: "slow", bytesPerSecond: 20_000 },
    apply: (fault, exchange) => exchange.send(exchange.answer(), { body: paced(Math.max(1, Math.floor(fault.bytesPerSecond / 10)), 100) }),
  }),
  truncate: define({
    kind: "truncate",
    summary: "`Content-Length` promises more than is sent",
    routes: ROUTES,
    keepsBodyValid: false,
    example: { kind: "truncate", fraction: 0.5 },
    apply: (fault, exchange) =>
      exchange.send(exchange.answer(), { body: (source, wire) => cutAfter(Math.floor(wire.length * (fault.fraction ?? 0.5)))(source, wire) }),
  }),
  "expired-url": define({
    kind: "expired-url",
    summary: "Download redirects to an already expired signed URL",
    routes: ["downloadJob"],
    keepsBodyValid: true,
    example: { kind: "expired-url" },
    apply(_fault, exchange) {
      const reply = exchange.answer();
      const location = reply.headers?.["Location"];
      if (reply.status !== 302 || location === undefined) return exchange.send(reply);
      const { state } = exchange;
      const jobId = new URL(location).pathname.split("/").at(-1)!;
      exchange.send({ ...reply, headers: { ...reply.headers, Location: state.signer.sign(state.storageOrigin, jobId, state.clock.now() - 1_000) } });
    },
  }),
  "unknown-status": define({
    kind: "unknown-status",
    summary: "a Job's `Status` is one the docs do not list",
    routes: ["getJob", "listJobs", "downloadJob", "replayJob"],
    keepsBodyValid: false,
    example: { kind: "unknown-status", status: "PAUSED" },
    apply: (fault, exchange) => exchange.send(withStatuses(exchange.answer(), () => fault.status ?? "PAUSED")),
  }),
  "malformed-json": define({
    kind: "malformed-json",
    summary: "the body is not valid JSON",
    routes: API_ROUTES,
    keepsBodyValid: false,
    example: { kind: "malformed-json" },
    apply: (_fault, exchange) => exchange.send(exchange.answer(), { format: "malformed-json" }),
  }),
  xml: define({
    kind: "xml",
    summary: "the body is XML although JSON was asked for",
    routes: API_ROUTES,
    keepsBodyValid: false,
    example: { kind: "xml" },
    apply: (_fault, exchange) => exchange.send(exchange.answer(), { format: "xml" }),
  }),
  "export-error": define({
    kind: "export-error",
    summary: 'an export answers 200 with `Status: "ERROR"` and schedules nothing',
    routes: ["exportReport", "exportClicks"],
    keepsBodyValid: false,
    example: { kind: "export-error", message: "Not permitted to run this report" },
    apply(fault, exchange) {
      const source = exchange.route === "exportReport" ? exchange.rest[1] : "clicks";
      exchange.send(exchange.instead(errorAs200Reply(fault.message ?? `Not permitted to run ${source} at this time.`)));
    },
  }),
  "body-stall": define({
    kind: "body-stall",
    summary: "status, headers and the first `afterBytes` of the body, then silence on an open connection",
    routes: ROUTES,
    keepsBodyValid: true,
    example: { kind: "body-stall", afterBytes: 4096 },
    apply(fault, exchange) {
      const afterBytes = fault.afterBytes ?? 4096;
      exchange.send(exchange.answer(), { body: (source, wire) => stallAfter(Math.max(0, Math.min(afterBytes, wire.length - 1)), fault.ms)(source, wire) });
    },
  }),
  trickle: define({
    kind: "trickle",
    summary: "the body comes `bytes` at a time, one piece every `intervalMs`",
    routes: ROUTES,
    keepsBodyValid: true,
    example: { kind: "trickle", bytes: 256, intervalMs: 20 },
    apply: (fault, exchange) => exchange.send(exchange.answer(), { body: paced(fault.bytes ?? 256, fault.intervalMs ?? 20) }),
  }),
  "object-changed": define({
    kind: "object-changed",
    summary: "the stored result takes a new version (ETag, Last-Modified, content, size)",
    routes: ["storage"],
    keepsBodyValid: true,
    example: { kind: "object-changed", afterBytes: 1024 },
    apply(fault, exchange) {
      const job = exchange.jobId === undefined ? undefined : exchange.state.jobs.get(exchange.jobId);
      const { afterBytes } = fault;
      if (afterBytes === undefined) {
        if (job) exchange.state.results.change(job, exchange.state.clock.now());
        return exchange.send(exchange.answer());
      }
      const reply = exchange.answer();
      if (!job || !reply.raw) return exchange.send(reply);
      exchange.state.results.change(job, exchange.state.clock.now());
      exchange.send(reply, { body: (source, wire) => (afterBytes < wire.length ? cutAfter(afterBytes) : whole)(source, wire) });
    },
  }),
  gzip: define({
    kind: "gzip",
    summary: "the body is gzipped whatever `Accept-Encoding` says; a 206 gzips just its range",
    routes: ["downloadJob", "storage"],
    keepsBodyValid: true,
    example: { kind: "gzip" },
    apply(_fault, exchange) {
      const reply = exchange.answer();
      if (!reply.raw) return exchange.send(reply);
      gzipped(reply).then(
        (encoded) => exchange.send(encoded),
        () => exchange.reset(),
      );
    },
  }),
  redirect: define({
    kind: "redirect",
    summary: "the API answers `status` (302) with a `Location` on another origin",
    routes: API_ROUTES,
    keepsBodyValid: false,
    example: { kind: "redirect", status: 302 },
    apply(fault, exchange) {
      const location = `${exchange.state.elsewhereOrigin}${exchange.url.pathname}${exchange.url.search}`;
      exchange.send(exchange.instead({ status: fault.status ?? 302, headers: { Location: location } }));
    },
  }),
  "storage-redirect": define({
    kind: "storage-redirect",
    summary: "Download, or the storage origin, redirects to a cleartext URL, another origin or a `data:` URL",
    routes: ["downloadJob", "storage"],
    keepsBodyValid: true,
    example: { kind: "storage-redirect", to: "other-origin" },
    apply(fault, exchange) {
      const status: RedirectStatus = fault.status ?? 302;
      if (exchange.origin === "storage")
        return exchange.send(exchange.instead({ status, headers: { Location: misdirected(fault.to, exchange.url, exchange.state) } }));
      const reply = exchange.answer();
      const location = reply.headers?.["Location"];
      if (reply.status !== 302 || location === undefined) return exchange.send(reply);
      exchange.send({ ...reply, status, headers: { ...reply.headers, Location: misdirected(fault.to, new URL(location), exchange.state) } });
    },
  }),
  "non-job-body": define({
    kind: "non-job-body",
    summary: "a 200 whose body is `null`, `[]`, `{}` or a JSON string",
    routes: ["getJob", "listJobs"],
    keepsBodyValid: false,
    example: { kind: "non-job-body", body: null },
    apply: (fault, exchange) => exchange.send(exchange.instead({ status: 200, json: fault.body === undefined ? null : fault.body })),
  }),
  "status-case": define({
    kind: "status-case",
    summary: "a Job's `Status` in lower (`completed`) or title case (`Completed`)",
    routes: ["getJob", "listJobs", "downloadJob", "replayJob"],
    keepsBodyValid: false,
    example: { kind: "status-case", case: "lower" },
    apply: (fault, exchange) =>
      exchange.send(
        withStatuses(exchange.answer(), (status) => (fault.case === "title" ? `${status.charAt(0)}${status.slice(1).toLowerCase()}` : status.toLowerCase())),
      ),
  }),
};

/** Every fault kind, by name: its routes, whether bodies stay valid, a typical instance. */
export const FAULT_KINDS: { readonly [K in FaultKind]: FaultKindInfo<K> } = SPECS;

/** Whether a response under `fault` (none: `undefined`) is checked against the spec. */
export function keepsBodyValid(fault: Fault | undefined): boolean {
  return fault === undefined || SPECS[fault.kind].keepsBodyValid;
}

/** Delivers the response of `exchange`: as the route answers it, or as its fault's kind does. */
export function applyFault(fault: Fault | undefined, exchange: Exchange): void {
  if (fault === undefined) {
    exchange.send(exchange.answer());
    return;
  }
  (SPECS[fault.kind] as FaultKindSpec<FaultKind, Route>).apply(fault, exchange);
}
