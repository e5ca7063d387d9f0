import type { JobsContext } from "../impact/context.js";
import { DEFAULTS } from "../base/defaults.js";
import { DownloadError, JobAbortedError, JobTimeoutError, ProtocolError } from "../base/errors.js";
import { validateJobId } from "../base/job-id.js";
import { bodySource } from "../http/body-source.js";
import { transportFailure } from "../http/failure.js";
import { locationOf, storageUrl } from "../http/storage-url.js";
import { sleep } from "../base/timing.js";
import { attemptSignal, backOff, callApi, discard, retryBackoff } from "../http/call.js";
import { waitForJob, type WaitOptions } from "../ops/wait-job.js";

export interface ResultOptions {
  signal?: AbortSignal;
  /**
   * `"redirect"` (default): take the 302 to the signed storage URL and fetch it without any API
   * credential; `"stream"`: ask for the bytes in the response (`Mode=Stream`), for when redirects are not
   * an option (https://integrations.impact.com/impact-brand/reference/download-a-job).
   */
  mode?: "redirect" | "stream";
  /** How many times a truncated, refused or failed transfer is resumed (default 5). */
  maxAttempts?: number;
  /**
   * How to wait while Download answers 202 (the job is not finished). Its `timeoutMs` (default the
   * instance's) is one deadline for the whole call, however many 202s come.
   */
  wait?: WaitOptions;
  /** Bytes received so far and the total, when known. An exception it throws ends the transfer and reaches the caller. */
  onProgress?: (bytes: number, total: number | undefined) => void;
}

/** Where a transfer's bytes go. */
export interface ResultSink {
  /**
   * Takes the next bytes; a promise returned is awaited before the next read (backpressure). The chunk
   * is lent: its memory may hold the next bytes once `write` returned (or its promise settled), so a sink
   * that keeps it copies it.
   */
  write(chunk: Uint8Array): Promise<void> | undefined;
  /** The result must be read again from byte 0: drop what was written. Without it, that is a `DownloadError`. */
  restart?(reason: string): Promise<void>;
  /**
   * Records where the transfer stands, for a later one to resume from (`ResumePoint`): called once the
   * version being read is known, then every `CHECKPOINT_BYTES`. Only versions with a validator are recorded.
   */
  checkpoint?(version: { validator: string; total: number | undefined }): Promise<void>;
  /**
   * Offered a fresh transfer of a stored result: a download to a file takes it over to fetch the result in
   * parts over several connections (`"done"` once it has it all). `"declined"` reads it on as one stream;
   * `"changed"` (the object changed under the parts, and the sink holds nothing) starts over.
   */
  parts?(first: PartsOffer): Promise<"declined" | "done" | "changed">;
}

/** A fresh transfer's first answer, offered to `ResultSink.parts`. */
export interface PartsOffer {
  response: Response;
  /** The storage URL that answered. */
  url: URL;
  /** The result's size, as the answer announces it. */
  total: number | undefined;
  /** A fresh signed URL, for a part that meets an expired one. */
  refresh(): Promise<URL>;
  signal: AbortSignal;
}

/** Where an earlier transfer stopped: the sink holds the first `bytes` of the version `validator` names. */
export interface ResumePoint {
  bytes: number;
  validator: string;
  total: number | undefined;
}

/** How often a sink with `checkpoint` records its progress. */
const CHECKPOINT_BYTES = 1 << 20;

/**
 * What Download is asked for: the result in the format its export chose (`ResultFormat`: CSV, JSON or XML),
 * bytes of no declared type, or the Job while it runs (202) — not the client's `Accept: application/json`,
 * which a strict server answers with 406 for a CSV result (https://integrations.impact.com/impact-brand/reference/download-a-job).
 */
const DOWNLOAD_ACCEPT = "text/csv, application/json, application/xml, application/octet-stream, */*;q=0.1";

/** How many redirects of the storage origin are followed (each one checked by `storageUrl`). */
const MAX_STORAGE_REDIRECTS = 5;

/** What identifies one version of the stored object, for `If-Range` (RFC 9110 §13.1.5): a strong ETag, else Last-Modified. */
function validatorOf(response: Response): string | undefined {
  const etag = response.headers.get("etag");
  if (etag && !etag.startsWith("W/")) return etag;
  return response.headers.get("last-modified") ?? undefined;
}

/** Whether the body is sent in a content coding (RFC 9110 §8.4): its offsets are not the result's. */
function encoded(response: Response): boolean {
  const coding = response.headers.get("content-encoding")?.trim().toLowerCase();
  return coding !== undefined && coding !== "" && coding !== "identity";
}

function rangeStart(response: Response): number | undefined {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get("content-range") ?? "");
  return match ? Number(match[1]) : undefined;
}

/** The size of the whole result as the server announces it: a Content-Range's total, or an identity 200's length. */
function totalOf(response: Response): number | undefined {
  const range = /\/(\d+)$/.exec(response.headers.get("content-range") ?? "");
  if (range) return Number(range[1]);
  const length = response.headers.get("content-length");
  return response.status === 200 && length !== null && !encoded(response) ? Number(length) : undefined;
}

/** The length of the representation a 416 gives in its Content-Range (`bytes *` then `/` and the length), if it gives one. */
function completeLength(response: Response): number | undefined {
  const match = /^bytes \*\/(\d+)$/.exec(response.headers.get("content-range")?.trim() ?? "");
  return match ? Number(match[1]) : undefined;
}

/** Where the transfer stands between attempts. */
interface Position {
  delivered: number;
  /** The validator of the version being read, once known. */
  validator: string | undefined;
}

/** The request headers that ask storage for bytes `start` to `end` (exclusive; to the end without one) of version `validator`. */
export function rangeHeaders(start: number, end: number | undefined, validator: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { "Accept-Encoding": "identity" };
  if ((start > 0 || end !== undefined) && validator) Object.assign(headers, { Range: `bytes=${start}-${end === undefined ? "" : end - 1}`, "If-Range": validator });
  return headers;
}

/**
 * Fetches a signed storage URL with no API credential and no custom header, asking for the bytes as they
 * are stored (`Accept-Encoding: identity`) and, with `headers`, for a range of one version (`Range` with
 * `If-Range`). Redirects of the storage origin are followed by hand, each one checked. `signal` bounds the
 * wait for the headers; a failure to reach storage is an `Unreached` naming its host.
 */
export async function fetchStorage(context: JobsContext, what: string, location: URL, headers: Record<string, string>, signal: AbortSignal): Promise<Opened> {
  let url = location;
  for (let hops = 0; ; hops += 1) {
    let response: Response;
    try {
      response = await context.storageFetch(url, { headers, redirect: "manual", signal });
    } catch (error) {
      // The attempt's own timeout aborts it with a TimeoutError: storage did not answer in time.
      throw new Unreached(url.host, signal.aborted ? signal.reason : error);
    }
    const next = locationOf(response);
    if (response.status < 300 || response.status >= 400 || !next) return { response, host: url.host, url };
    await discard(response);
    if (hops >= MAX_STORAGE_REDIRECTS) throw new ProtocolError(what, undefined, `the storage URL redirected more than ${MAX_STORAGE_REDIRECTS} times`);
    url = storageUrl(what, next, url.href);
  }
}

/** A response and the host that sent it (the storage's, or the API's for `Mode=Stream`), for messages. */
export interface Opened {
  response: Response;
  host: string;
  /** The storage URL that answered (after its redirects); none for `Mode=Stream`. */
  url?: URL;
}

/** Storage could not be reached (or its answer could not be read) at `host`: `cause` says why. */
export class Unreached extends Error {
  readonly host: string;

  constructor(host: string, cause: unknown) {
    super(`cannot reach ${host}`, { cause });
    this.host = host;
  }
}

/**
 * `GET …/Download` until it gives the result: 202 waits for the job (one deadline for the whole call), a
 * redirect gives the signed storage URL (checked, not yet fetched), 200 is the bytes (`Mode=Stream`). A
 * 202 after the job says COMPLETED backs off before asking again. A body is still under `signal`.
 */
export async function downloadAnswer(context: JobsContext, jobId: string, options: ResultOptions, deadline: number, signal: AbortSignal): Promise<{ location: URL } | { response: Response }> {
  const what = `GET /Jobs/${jobId}/Download`;
  const { timing } = context.call;
  for (let early = 0; ; early += 1) {
    const { response } = await callApi(
      context.call,
      what,
      (callSignal) =>
        context.client.GET("/Jobs/{JobId}/Download", {
          params: { path: { JobId: jobId }, query: options.mode === "stream" ? { Mode: "Stream" } : {} },
          headers: { Accept: DOWNLOAD_ACCEPT },
          parseAs: "stream",
          signal: callSignal,
        }),
      signal,
      { redirects: "return" },
    );
    const { status } = response;
    if (status === 200 && response.body !== null) return { response };
    await discard(response);
    const location = locationOf(response);
    if (status >= 300 && status < 400 && location) return { location: storageUrl(what, location, context.client.accountUrl) };
    if (status !== 202) throw new DownloadError(`${what} answered HTTP ${status} without a result`);
    const timeoutMs = options.wait?.timeoutMs ?? context.timeoutMs;
    /** After a wait found the job COMPLETED, a 202 is the API's lag: said so when the deadline passes. */
    const lagging = (job?: unknown) => new JobTimeoutError(jobId, timeoutMs, job, "the job is COMPLETED but Download still answered 202");
    if (deadline - timing.now() <= 0) throw lagging();
    if (early > 0) await sleep(timing, Math.min(retryBackoff(early - 1, () => timing.random()), deadline - timing.now()), signal);
    try {
      await waitForJob(context, jobId, { ...options.wait, signal, timeoutMs: Math.max(1, deadline - timing.now()) });
    } catch (error) {
      throw early > 0 && error instanceof JobTimeoutError ? lagging(error.job) : error;
    }
  }
}

/**
 * The result's bytes, from `position` on: the Download answer's own body (`Mode=Stream`), or the signed
 * storage URL's. `requestTimeoutMs` bounds the storage's headers; the body that follows is bounded by the
 * idle watchdog and `signal`.
 */
async function open(context: JobsContext, jobId: string, options: ResultOptions, position: Position, deadline: number, signal: AbortSignal): Promise<Opened> {
  const answer = await downloadAnswer(context, jobId, options, deadline, signal);
  if ("response" in answer) return { response: answer.response, host: context.call.host };
  const attempt = attemptSignal(context.call.timing, context.call.requestTimeoutMs, signal);
  try {
    return await fetchStorage(context, `GET /Jobs/${jobId}/Download`, answer.location, rangeHeaders(position.delivered, undefined, position.validator), attempt.signal);
  } finally {
    attempt.end();
  }
}

/**
 * The result of a job into `sink`, resumed across broken transfers. A truncated body (fewer bytes than
 * announced), a dropped connection, a body that sends nothing for `idleTimeoutMs`, or an expired signed
 * URL gets a fresh URL and resumes with `Range` + `If-Range` (RFC 9110 §14.2, §13.1.5) where it left
 * off — only ever within one version of the stored object. When the object changed, the server ignores
 * the range with no way to tell the version, or the body came in a content coding, the result is read
 * again from byte 0: `restart` drops what was delivered (a download truncates its file); a sink without
 * `restart` (a stream whose consumer already has bytes) gets a `DownloadError` instead. The consumer sees each byte of
 * one version once; an abort stops any phase at once. `from` continues a transfer an earlier process left:
 * the first request asks for the rest of that version.
 */
export async function transferResult(context: JobsContext, id: string, options: ResultOptions, sink: ResultSink, from?: ResumePoint): Promise<void> {
  const jobId = validateJobId(id);
  const maxAttempts = options.maxAttempts ?? DEFAULTS.downloadAttempts;
  const what = `Downloading job ${jobId}`;
  const { timing, idleTimeoutMs } = context.call;
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const aborted = () => new JobAbortedError(what, options.signal?.reason);
  const deadline = timing.now() + (options.wait?.timeoutMs ?? context.timeoutMs);
  const position: Position = { delivered: from?.bytes ?? 0, validator: from?.validator };
  let total = from?.total;
  let failures = 0;
  /** Counts a failed transfer and backs off before the next, or gives up. */
  const fail = async (reason: string): Promise<void> => {
    failures += 1;
    if (failures > maxAttempts) throw new DownloadError(`${what} failed ${failures} times; last: ${reason}`);
    await backOff(timing, failures - 1, what, signal);
  };
  /** Starts over from byte 0 of the version now served. */
  const startOver = async (reason: string): Promise<void> => {
    if (position.delivered > 0) {
      if (!sink.restart) throw new DownloadError(`${what}: ${reason}, and a stream cannot take back the ${position.delivered} bytes it delivered; read it again`);
      await sink.restart(reason);
    }
    position.delivered = 0;
    total = undefined;
  };
  try {
    for (;;) {
      let response: Response;
      let host: string;
      let url: URL | undefined;
      try {
        ({ response, host, url } = await open(context, jobId, options, position, deadline, signal));
      } catch (error) {
        if (options.signal?.aborted) throw aborted();
        if (!(error instanceof Unreached)) throw error;
        // A connection refused, reset or unanswered may pass; a certificate or a malformed answer will not.
        const { error: failure, transient } = transportFailure(what, error.host, error.cause);
        if (!transient) throw failure;
        await fail(failure.detail);
        continue;
      }
      // Only the signed storage URL answers so: the API's errors are ApiErrors, and its 200 has a body.
      if (!response.ok || response.body === null) {
        await discard(response);
        // A range that starts at the end: the server says the representation is that long (RFC 9110 §15.5.17), so nothing is missing.
        if (response.status === 416 && position.delivered > 0 && completeLength(response) === position.delivered) return;
        const expired = response.status === 403;
        if (!expired && response.status !== 429 && response.status < 500) throw new DownloadError(`${what}: the storage URL answered HTTP ${response.status}`);
        await fail(`HTTP ${response.status}${expired ? " (signed URL expired or refused)" : ""}`);
        continue;
      }
      const validator = validatorOf(response);
      let skip = 0;
      if (position.delivered > 0) {
        const resumed = response.status === 206 && rangeStart(response) === position.delivered && !encoded(response) && (validator === undefined || validator === position.validator);
        const sameVersion = response.status === 200 && validator !== undefined && validator === position.validator && !encoded(response) && totalOf(response) === total;
        if (sameVersion) skip = position.delivered;
        else if (!resumed) await startOver(response.status === 200 && validator !== position.validator ? "the stored result changed during the transfer" : "the transfer could not be resumed where it broke");
      }
      position.validator = validator;
      total ??= totalOf(response);
      if (sink.parts && url && position.delivered === 0) {
        const refresh = async (): Promise<URL> => {
          const answer = await downloadAnswer(context, jobId, options, deadline, signal);
          if ("location" in answer) return answer.location;
          await discard(answer.response);
          throw new DownloadError(`${what}: the Download call answered with the bytes instead of a storage URL`);
        };
        const outcome = await sink.parts({ response, url, total, refresh, signal });
        if (outcome === "done") return;
        if (outcome === "changed") {
          [position.validator, total] = [undefined, undefined];
          await fail("the stored result changed during the transfer");
          continue;
        }
      }
      const checkpoint = sink.checkpoint && validator !== undefined ? sink.checkpoint.bind(sink, { validator, total }) : undefined;
      await checkpoint?.();
      let nextCheckpoint = position.delivered + CHECKPOINT_BYTES;
      const body = bodySource(response, timing, idleTimeoutMs, signal)!;
      let broken: string | undefined;
      try {
        for (;;) {
          let chunk: Uint8Array | undefined;
          try {
            chunk = await body.next();
          } catch (error) {
            if (options.signal?.aborted) throw aborted();
            const { error: failure, transient } = transportFailure(what, host, error);
            // A malformed body (a chunk size that is no number) is no truncation to resume from: it fails at once.
            if (!transient) throw failure;
            broken = `transfer broke after ${position.delivered} bytes: ${(error as Error).message}`;
            break;
          }
          if (chunk === undefined) break;
          if (skip > 0) {
            const dropped = Math.min(skip, chunk.length);
            skip -= dropped;
            chunk = chunk.subarray(dropped);
            if (chunk.length === 0) continue;
          }
          position.delivered += chunk.length;
          if (total !== undefined && position.delivered > total) throw new DownloadError(`${what}: received ${position.delivered} bytes, more than the ${total} announced`);
          options.onProgress?.(position.delivered, total);
          const full = sink.write(chunk);
          if (full) await full;
          if (checkpoint && position.delivered >= nextCheckpoint) {
            await checkpoint();
            nextCheckpoint = position.delivered + CHECKPOINT_BYTES;
          }
        }
      } finally {
        body.close();
      }
      // Every announced byte came: the body is complete (RFC 9112 §6.3), whatever became of the connection after.
      if (position.delivered === total || (broken === undefined && total === undefined)) return;
      broken ??= `truncated at ${position.delivered} of ${total} bytes`;
      if (encoded(response)) await startOver("the body came in a content coding, which cannot be resumed by range");
      else if (!position.validator) await startOver("the server sent no ETag or Last-Modified to resume against");
      await fail(broken);
    }
  } finally {
    controller.abort();
  }
}

/** Chunks of a result, and a way out that works while a chunk is awaited (`return()` waits for it). */
export type ResultChunks = AsyncGenerator<Uint8Array> & {
  /** Stops the transfer at once, closing its connection: a `next()` in flight rejects. */
  stop(): void;
};

/**
 * `transferResult` as an async iterator, one chunk at a time: the transfer waits for each chunk to be
 * taken. Leaving the loop early (`break`, an exception in its body) stops the transfer; so does `stop()`,
 * for a reader that leaves while a `next()` is in flight on a stalled body.
 */
export function resultChunks(context: JobsContext, id: string, options: ResultOptions = {}): ResultChunks {
  const jobId = validateJobId(id);
  const stop = new AbortController();
  const leave = () => stop.abort(new DOMException("the reader of the result stopped", "AbortError"));
  const chunks = (async function* () {
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    let chunk: Uint8Array | undefined;
    let taken: (() => void) | undefined;
    let wake: (() => void) | undefined;
    let outcome: { error?: unknown } | undefined;
    const settle = (settled: { error?: unknown }) => {
      outcome = settled;
      wake?.();
    };
    const transfer = transferResult(context, jobId, { ...options, signal }, {
      write(next) {
        // The chunk is lent, and the reader may keep what it is given.
        chunk = new Uint8Array(next);
        wake?.();
        return new Promise<void>((resolve) => (taken = resolve));
      },
    }).then(
      () => settle({}),
      (error: unknown) => settle({ error }),
    );
    try {
      for (;;) {
        if (chunk !== undefined) {
          const next = chunk;
          chunk = undefined;
          yield next;
          taken?.();
          continue;
        }
        if (outcome) {
          if ("error" in outcome) throw outcome.error;
          return;
        }
        await new Promise<void>((resolve) => (wake = resolve));
      }
    } finally {
      if (!outcome) {
        leave();
        // Let a transfer waiting for its chunk to be taken go on, to find the abort at its next read.
        taken?.();
        await transfer;
      }
    }
  })();
  return Object.assign(chunks, { stop: leave });
}

/** `resultChunks` as a web `ReadableStream`; cancelling it stops the transfer. */
export function resultStream(context: JobsContext, id: string, options: ResultOptions = {}): ReadableStream<Uint8Array> {
  const chunks = resultChunks(context, id, options);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      // A pull may be waiting on a stalled body: `return()` alone would wait for it.
      chunks.stop();
      await chunks.return(undefined);
    },
  });
}
