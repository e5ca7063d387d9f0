import type { IncomingMessage, ServerResponse } from "node:http";
import { byteRange, httpDate, ifRangeMatches } from "./byte-range.js";
import type { Exchange } from "./exchange.js";
import { applyFault } from "./fault-kinds.js";
import type { FaultPlan } from "./faults.js";
import { encode, storageError, storageServerError, type Reply } from "./reply.js";
import { logEntry, type LoggedRequest } from "./request-log.js";
import type { SandboxState } from "./sandbox-state.js";
import { throttled } from "./body-plans.js";
import { transmit } from "./transmit.js";
import type { WireTimers } from "./wire-timers.js";

/** A storage request, read: the job of its verified signature, its refusal if any, and the object's answer. */
export interface StorageRequest {
  jobId: string | undefined;
  /** Why the request is refused before the object is looked at (credentials, method, signature). */
  refusal: Reply | undefined;
  /** The object's answer: 200, 206 for a `Range` the `If-Range` lets apply, 416, or 404 for an unknown job. */
  object(): Reply;
}

/** The object's answer, with its validators (RFC 9110 §8.8) and the byte range asked for (RFC 9110 §14.2). */
function objectReply(state: SandboxState, request: IncomingMessage, jobId: string | undefined): Reply {
  const job = jobId === undefined ? undefined : state.jobs.get(jobId);
  if (!job) return storageError(404, "NoSuchKey", "The specified key does not exist.");
  const current = state.results.current(job, state.clock.now());
  const { file } = current;
  const headers = {
    "Accept-Ranges": "bytes",
    ETag: current.etag,
    "Last-Modified": httpDate(current.lastModified),
    "Content-Disposition": `attachment; filename="${job.id}.${job.resultFormat.toLowerCase()}"`,
  };
  const header = request.headers["if-range"];
  const ifRange = Array.isArray(header) ? header.join(", ") : header;
  const range = ifRange !== undefined && !ifRangeMatches(ifRange, current.etag, current.lastModified) ? undefined : byteRange(request.headers.range, file.size);
  if (range === "unsatisfiable") {
    const refused = storageError(416, "InvalidRange", "The requested range is not satisfiable");
    return { ...refused, headers: { ...headers, "Content-Range": `bytes */${file.size}` } };
  }
  if (range === undefined) return { status: 200, headers, raw: { stream: () => file.stream(), length: file.size, contentType: file.contentType } };
  return {
    status: 206,
    headers: { ...headers, "Content-Range": `bytes ${range.start}-${range.end}/${file.size}` },
    raw: { stream: () => file.stream(range.start, range.end), length: range.end - range.start + 1, contentType: file.contentType },
  };
}

/** Reads a request to a signed URL (on the storage origin, or on another origin that serves the same objects). */
export function readStorageRequest(state: SandboxState, request: IncomingMessage, url: URL): StorageRequest {
  const verdict = state.signer.verify(url, state.clock.now());
  const jobId = verdict.ok ? verdict.jobId : undefined;
  let refusal: Reply | undefined;
  if (request.headers.authorization !== undefined) {
    refusal = storageError(
      400,
      "InvalidArgument",
      "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified",
    );
  } else if (request.method !== "GET") refusal = storageError(403, "SignatureDoesNotMatch", "The request signature does not match: the URL is signed for GET.");
  else if (!verdict.ok) {
    const expired = verdict.reason === "expired";
    refusal = storageError(
      403,
      expired ? "ExpiredToken" : "SignatureDoesNotMatch",
      expired ? "Request has expired" : "The request signature we calculated does not match the signature you provided",
    );
  }
  return { jobId, refusal, object: () => objectReply(state, request, jobId) };
}

/** What the storage origin reads and records. */
export interface StorageOriginParts {
  state: SandboxState;
  faults: FaultPlan;
  log: LoggedRequest[];
  timers: WireTimers;
}

/**
 * The storage origin the signed download URLs point to, as cloud object storage answers: one auth
 * mechanism (the signature, never an `Authorization` header), GET only, `Range` and `If-Range`, and the
 * validators `ETag` and `Last-Modified` of the stored version. Its `Date` is the sandbox clock's, like
 * the validators. `listener` says which of its two listeners the handler serves.
 */
export function storageOrigin(parts: StorageOriginParts, listener: "main" | "cleartext"): (request: IncomingMessage, response: ServerResponse) => void {
  const { state, faults, log, timers } = parts;
  return (request, response) => {
    const url = new URL(request.url ?? "/", "http://storage.invalid");
    const entry = logEntry("storage", request.method ?? "GET", url, request.headers);
    if (listener === "cleartext") entry.listener = "cleartext";
    log.push(entry);
    response.on("finish", () => (entry.status = response.statusCode));
    const read = readStorageRequest(state, request, url);
    const fault = faults.take("storage", read.jobId);
    if (fault) entry.fault = fault.kind;
    let answered: Reply | undefined;
    const exchange: Exchange = {
      origin: "storage",
      route: "storage",
      jobId: read.jobId,
      url,
      state,
      answer: () => (answered ??= read.refusal ?? read.object()),
      instead: (reply) => read.refusal ?? reply,
      serverError: storageServerError,
      send: (reply, options = {}) =>
        transmit(
          response,
          encode({ ...reply, headers: { Date: httpDate(state.clock.now()), ...reply.headers } }, options.format ?? "json"),
          timers,
          options.body ?? (state.storageBytesPerSecond ? throttled(state.storageBytesPerSecond) : undefined),
        ),
      reset: () => void response.socket?.resetAndDestroy(),
      setTimer: (run, ms) => timers.setTimer(run, ms),
    };
    applyFault(fault, exchange);
  };
}
