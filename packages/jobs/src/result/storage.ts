import type { JobsContext } from "../impact/context.js";
import { ProtocolError } from "../base/errors.js";
import { discard } from "../http/attempt.js";
import { locationOf, storageUrl } from "../http/storage-url.js";

/** How many redirects of the storage origin are followed (each one checked by `storageUrl`). */
const MAX_STORAGE_REDIRECTS = 5;

/** What identifies one version of the stored object, for `If-Range` (RFC 9110 §13.1.5): a strong ETag, else Last-Modified. */
export function validatorOf(response: Response): string | undefined {
  const etag = response.headers.get("etag");
  if (etag && !etag.startsWith("W/")) return etag;
  return response.headers.get("last-modified") ?? undefined;
}

/** Whether the body is sent in a content coding (RFC 9110 §8.4): its offsets are not the result's. */
export function encoded(response: Response): boolean {
  const coding = response.headers.get("content-encoding")?.trim().toLowerCase();
  return coding !== undefined && coding !== "" && coding !== "identity";
}

export function rangeStart(response: Response): number | undefined {
  const match = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get("content-range") ?? "");
  return match ? Number(match[1]) : undefined;
}

/** The size of the whole result as the server announces it: a Content-Range's total, or an identity 200's length. */
export function totalOf(response: Response): number | undefined {
  const range = /\/(\d+)$/.exec(response.headers.get("content-range") ?? "");
  if (range) return Number(range[1]);
  const length = response.headers.get("content-length");
  return response.status === 200 && length !== null && !encoded(response) ? Number(length) : undefined;
}

/** The length of the representation a 416 gives in its Content-Range (`bytes *` then `/` and the length), if it gives one. */
export function completeLength(response: Response): number | undefined {
  const match = /^bytes \*\/(\d+)$/.exec(response.headers.get("content-range")?.trim() ?? "");
  return match ? Number(match[1]) : undefined;
}

/** The request headers that ask storage for bytes `start` to `end` (exclusive; to the end without one) of version `validator`. */
export function rangeHeaders(start: number, end: number | undefined, validator: string | undefined): Record<string, string> {
  const headers: Record<string, string> = { "Accept-Encoding": "identity" };
  if ((start > 0 || end !== undefined) && validator)
    Object.assign(headers, { Range: `bytes=${start}-${end === undefined ? "" : end - 1}`, "If-Range": validator });
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
