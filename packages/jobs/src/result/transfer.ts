import type { JobsContext } from "../impact/context.js";
import { DEFAULTS } from "../base/defaults.js";
import { aborted, pause } from "../base/abort.js";
import { DownloadError } from "../base/errors.js";
import { retryDelay } from "../engine/retry.js";
import { validateJobId } from "../base/job-id.js";
import { bodySource } from "../http/body-source.js";
import { transportFailure } from "../http/failure.js";
import { attemptSignal, discard } from "../http/attempt.js";
import { waitDeadline } from "../ops/wait-job.js";
import { downloadAnswer } from "./download-answer.js";
import type { ResultOptions } from "./options.js";
import { completeLength, encoded, fetchStorage, rangeHeaders, rangeStart, totalOf, Unreached, validatorOf, type Opened } from "./storage.js";

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

/** Where the transfer stands between attempts. */
interface Position {
  delivered: number;
  /** The validator of the version being read, once known. */
  validator: string | undefined;
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
    return await fetchStorage(
      context,
      `GET /Jobs/${jobId}/Download`,
      answer.location,
      rangeHeaders(position.delivered, undefined, position.validator),
      attempt.signal,
    );
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
  const deadline = waitDeadline(context, options.wait?.timeoutMs);
  const position: Position = { delivered: from?.bytes ?? 0, validator: from?.validator };
  let total = from?.total;
  let failures = 0;
  /** Counts a failed transfer and backs off before the next, or gives up. */
  const fail = async (reason: string): Promise<void> => {
    failures += 1;
    if (failures > maxAttempts) throw new DownloadError(`${what} failed ${failures} times; last: ${reason}`);
    await pause(
      timing,
      retryDelay(failures - 1, () => timing.random()),
      what,
      signal,
    );
  };
  /** Starts over from byte 0 of the version now served. */
  const startOver = async (reason: string): Promise<void> => {
    if (position.delivered > 0) {
      if (!sink.restart)
        throw new DownloadError(`${what}: ${reason}, and a stream cannot take back the ${position.delivered} bytes it delivered; read it again`);
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
        if (options.signal?.aborted) throw aborted(what, options.signal);
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
        const resumed =
          response.status === 206 &&
          rangeStart(response) === position.delivered &&
          !encoded(response) &&
          (validator === undefined || validator === position.validator);
        const sameVersion =
          response.status === 200 && validator !== undefined && validator === position.validator && !encoded(response) && totalOf(response) === total;
        if (sameVersion) skip = position.delivered;
        else if (!resumed)
          await startOver(
            response.status === 200 && validator !== position.validator
              ? "the stored result changed during the transfer"
              : "the transfer could not be resumed where it broke",
          );
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
            if (options.signal?.aborted) throw aborted(what, options.signal);
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
          if (total !== undefined && position.delivered > total)
            throw new DownloadError(`${what}: received ${position.delivered} bytes, more than the ${total} announced`);
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
