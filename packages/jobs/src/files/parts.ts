import type { FileHandle } from "node:fs/promises";
import type { JobsContext } from "../impact/context.js";
import { aborted, pause } from "../base/abort.js";
import { DownloadError } from "../base/errors.js";
import { retryDelay } from "../engine/retry.js";
import { FileSink } from "./file-sink.js";
import { bodySource } from "../http/body-source.js";
import { transportFailure } from "../http/failure.js";
import { fetchStorage, rangeHeaders, Unreached } from "../result/storage.js";
import { attemptSignal, discard } from "../http/attempt.js";

/** A byte range of the result: `[start, end)`. */
export type ByteRange = readonly [start: number, end: number];

/** The size of one part: S3's guidance for byte-range fetches is 8 or 16 MB (https://docs.aws.amazon.com/whitepapers/latest/s3-optimizing-performance-best-practices/use-byte-range-fetches.html). */
export const PART_BYTES: number = 8 << 20;
/** A result smaller than this is read as one stream: parts would cost more requests than they save. */
const PARALLEL_MIN_BYTES: number = 16 << 20;

/** Chunks are written in batches of this many bytes (see `FileSink`). */
export const WRITE_BATCH: number = 256 << 10;
/** Writes in flight at once per writer once the disk is slow (see `FileSink`). */
export const WRITES_IN_FLIGHT: number = 4;

/**
 * Whether a first answer allows fetching the result in parts over several connections: the whole object
 * (200), in ranges of bytes (`Accept-Ranges: bytes`, RFC 9110 §14.3), with a strong ETag to hold every part
 * to one version (`If-Range`, §13.1.5), as stored (no content coding), and large enough.
 */
export function partsAllowed(response: Response, total: number | undefined): total is number {
  const etag = response.headers.get("etag");
  const coding = response.headers.get("content-encoding")?.trim().toLowerCase();
  return (
    response.status === 200 &&
    total !== undefined &&
    total >= PARALLEL_MIN_BYTES &&
    /(^|,)\s*bytes\s*(,|$)/i.test(response.headers.get("accept-ranges") ?? "") &&
    etag?.startsWith('"') === true &&
    (coding === undefined || coding === "" || coding === "identity")
  );
}

/** The ranges of `[0, total)` that `done` (sorted, disjoint) does not cover, cut into parts of at most `size` bytes. */
export function missingParts(done: readonly ByteRange[], total: number, size: number = PART_BYTES): ByteRange[] {
  const parts: ByteRange[] = [];
  let at = 0;
  for (const [start, end] of [...done, [total, total] as const]) {
    for (let from = at; from < start; from += size) parts.push([from, Math.min(start, from + size)]);
    at = Math.max(at, end);
  }
  return parts;
}

/** `done` with `range` added, kept sorted with touching ranges merged. */
export function withRange(done: readonly ByteRange[], range: ByteRange): ByteRange[] {
  const merged: Array<[number, number]> = [];
  for (const [start, end] of [...done, range].sort((a, b) => a[0] - b[0])) {
    const last = merged.at(-1);
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

export interface PartsJob {
  context: JobsContext;
  jobId: string;
  /** The temporary file, opened for writing: each part is written in place. */
  file: FileHandle;
  /** How many parts are fetched at once, each over a connection of its own. */
  connections: number;
  /** The signed storage URL of the version `validator` names. */
  url: URL;
  validator: string;
  total: number;
  /** What the file already holds of that version (a resumed download). */
  done: readonly ByteRange[];
  signal: AbortSignal | undefined;
  maxAttempts: number;
  onProgress: ((bytes: number, total: number | undefined) => void) | undefined;
  /** A fresh signed URL, when the one in use expired (`GET …/Download` again). */
  refresh(): Promise<URL>;
  /** Records what the file holds (a resumable download's checkpoint); called after each part, one at a time. */
  record: ((done: readonly ByteRange[]) => Promise<void>) | undefined;
  /** The answer to a request for the whole object: the first part is read from it, then it is let go. */
  first?: Response;
}

/**
 * The result into `job.file` in parts of `PART_BYTES`, over `job.connections` connections at once,
 * as the AWS SDK's transfer manager and `aws s3 cp` do (https://docs.aws.amazon.com/whitepapers/latest/s3-optimizing-performance-best-practices/use-byte-range-fetches.html):
 * storage limits what one connection carries, not what several do. Each part is a `Range` with `If-Range`
 * (RFC 9110 §14.2, §13.1.5), checked to be exactly the bytes asked of the same version, and written where it
 * belongs; a part that breaks resumes from its last byte, an expired URL is asked for again once for every
 * part that met it, and a part that fails `maxAttempts` times, or anything that cannot pass (a certificate,
 * a malformed answer, the disk), ends the download. Memory stays constant: each connection has its own
 * few write buffers. Resolves `"changed"` — the file truncated — when storage serves another version
 * (a 200 to `If-Range`, another ETag or length): the caller starts over.
 */
export async function fetchParts(job: PartsJob): Promise<"done" | "changed"> {
  const { context, total, validator } = job;
  const { timing, idleTimeoutMs, requestTimeoutMs } = context.call;
  const what = `Downloading job ${job.jobId}`;
  const stop = new AbortController();
  const signal = job.signal ? AbortSignal.any([job.signal, stop.signal]) : stop.signal;
  const queue = missingParts(job.done, total);
  let done: readonly ByteRange[] = job.done;
  let delivered = done.reduce((sum, [start, end]) => sum + end - start, 0);
  let url = job.url;
  let refreshing: Promise<URL> | undefined;
  let recording: Promise<void> = Promise.resolve();
  let changed = false;

  /** A fresh URL for every part that met the expired `stale` one: one Download call for all of them. */
  const refresh = (stale: URL): Promise<URL> => {
    if (url !== stale) return Promise.resolve(url);
    refreshing ??= job.refresh().then((fresh) => {
      url = fresh;
      refreshing = undefined;
      return fresh;
    });
    return refreshing;
  };

  /** Writes the body's bytes from `at` up to `end`; resolves with where it stopped and, if the body broke, why. */
  const readInto = async (response: Response, at: number, end: number): Promise<{ at: number; broken?: unknown }> => {
    const body = bodySource(response, timing, idleTimeoutMs, signal)!;
    const sink = new FileSink(job.file, WRITE_BATCH, WRITES_IN_FLIGHT, undefined, at);
    try {
      while (at < end) {
        let chunk: Uint8Array | undefined;
        try {
          chunk = await body.next();
        } catch (error) {
          return { at, broken: error };
        }
        if (chunk === undefined) break;
        if (chunk.length > end - at) chunk = chunk.subarray(0, end - at);
        at += chunk.length;
        delivered += chunk.length;
        job.onProgress?.(delivered, total);
        const full = sink.write(chunk);
        if (full) await full;
      }
      return { at };
    } finally {
      body.close();
      await sink.finish();
    }
  };

  /** One part, until all of it is in the file. */
  const fetchPart = async ([start, end]: ByteRange, first: Response | undefined): Promise<void> => {
    let at = start;
    let failures = 0;
    const fail = async (reason: string): Promise<void> => {
      failures += 1;
      if (failures > job.maxAttempts) throw new DownloadError(`${what}: bytes ${start}-${end - 1} failed ${failures} times; last: ${reason}`);
      await pause(
        timing,
        retryDelay(failures - 1, () => timing.random()),
        what,
        signal,
      );
    };
    while (at < end) {
      let response = first;
      first = undefined;
      let host = url.host;
      if (!response) {
        const asked = url;
        const attempt = attemptSignal(timing, requestTimeoutMs, signal);
        try {
          ({ response, host } = await fetchStorage(context, what, asked, rangeHeaders(at, end, validator), attempt.signal));
        } catch (error) {
          if (signal.aborted) return;
          if (!(error instanceof Unreached)) throw error;
          const { error: failure, transient } = transportFailure(what, error.host, error.cause);
          if (!transient) throw failure;
          await fail(failure.detail);
          continue;
        } finally {
          attempt.end();
        }
        const { status } = response;
        if (status === 403 || status === 429 || status >= 500) {
          await discard(response);
          await fail(`HTTP ${status}${status === 403 ? " (signed URL expired or refused)" : ""}`);
          if (status === 403) await refresh(asked);
          continue;
        }
        const range = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(response.headers.get("content-range")?.trim() ?? "");
        const exact = status === 206 && range !== null && Number(range[1]) === at && Number(range[2]) === end - 1 && Number(range[3]) === total;
        const coding = response.headers.get("content-encoding")?.trim().toLowerCase();
        if (!exact || response.headers.get("etag") !== validator || (coding !== undefined && coding !== "" && coding !== "identity")) {
          await discard(response);
          if (status !== 200 && status !== 206) throw new DownloadError(`${what}: the storage URL answered HTTP ${status}`);
          // The range was not honoured for this version: the stored object is another one now.
          changed = true;
          stop.abort(new DOMException("the stored result changed", "AbortError"));
          return;
        }
      }
      const read = await readInto(response, at, end);
      at = read.at;
      if (at >= end) break;
      if (signal.aborted) return;
      if (read.broken === undefined) {
        await fail(`part ${start}-${end - 1} ended at ${at}`);
        continue;
      }
      const { error: failure, transient } = transportFailure(what, host, read.broken);
      if (!transient) throw failure;
      await fail(`transfer broke at byte ${at}: ${(read.broken as Error).message}`);
    }
    done = withRange(done, [start, end]);
    if (job.record) {
      const snapshot = done;
      recording = recording.then(() => job.record!(snapshot));
      await recording;
    }
  };

  /** The first failure that ends the download: the others it stops are not what the caller needs to hear. */
  let fatal: { error: unknown } | undefined;
  const worker = async (first?: Response): Promise<void> => {
    try {
      for (let part = queue.shift(); part && !signal.aborted; part = queue.shift()) {
        await fetchPart(part, first);
        first = undefined;
      }
    } catch (error) {
      if (!stop.signal.aborted) fatal ??= { error };
      stop.abort(error);
    } finally {
      if (first) await discard(first);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(job.connections, queue.length)) }, (_, index) => worker(index === 0 ? job.first : undefined)));
  if (job.signal?.aborted) throw aborted(what, job.signal);
  if (fatal) throw fatal.error;
  if (changed) {
    await job.file.truncate(0);
    return "changed";
  }
  return "done";
}
