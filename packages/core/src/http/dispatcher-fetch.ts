import { Duplex } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import type { Dispatcher } from "undici";

/** Statuses whose response has no body (https://fetch.spec.whatwg.org/#null-body-status). */
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** The content codings fetch decodes (https://fetch.spec.whatwg.org/#http-network-fetch); the headers stay as sent. */
const DECODERS: Readonly<Record<string, () => Duplex>> = { gzip: createGunzip, "x-gzip": createGunzip, deflate: createInflate, br: createBrotliDecompress };

/** Bytes of body queued for the reader before the connection is paused (backpressure). */
const QUEUED_BYTES = 256 << 10;

/**
 * A response llhttp parsed but that cannot be read safely: a transfer coding other than `chunked` (RFC 9112
 * §6.1 lets a server stack codings, and undici decodes only `chunked`, so the rest would be saved as data).
 */
export class ResponseFramingError extends Error {
  override name = "ResponseFramingError";
  readonly code = "ERR_IMPACTKIT_TRANSFER_CODING";
}

/** undici's headers object as a `Headers`: repeated fields appended in order. */
function headersOf(fields: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(fields)) {
    if (Array.isArray(value)) for (const one of value) headers.append(name, one);
    else if (value !== undefined) headers.append(name, value);
  }
  return headers;
}

/**
 * A `fetch` on an undici dispatcher (https://undici.nodejs.org/#/docs/api/Dispatcher?id=dispatcherdispatchoptions-handler):
 * llhttp parses, undici bounds headers and trailers, the dispatcher's pools keep connections alive and its
 * proxy agent routes them. What it adds is the shape of fetch's `Response`, with the body read straight
 * from undici's chunks into a web stream that pauses the connection while the reader holds
 * `QUEUED_BYTES` (cancelling the body closes the connection at once); gzip, deflate and br bodies decoded
 * as fetch does. Unlike fetch it never follows a redirect: a 3xx is the response, to be followed — or
 * not — by code that checks where it leads. Fails as fetch does: a `TypeError` "fetch failed" whose
 * `cause` is undici's error, or the signal's reason when it aborts.
 */
export function dispatcherFetch(dispatcher: Dispatcher): (input: string | URL | Request, init?: RequestInit) => Promise<Response> {
  return async (input, init) => {
    const request = new Request(input, init);
    const { signal } = request;
    signal.throwIfAborted();
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    headers["accept-encoding"] ??= "gzip, deflate, br";
    const body = request.body === null ? null : Buffer.from(await request.arrayBuffer());
    return new Promise<Response>((resolve, reject) => {
      let dispatch: Dispatcher.DispatchController | undefined;
      let reader: ReadableStreamDefaultController<Uint8Array> | undefined;
      /** Settled: the response was handed out, or the request failed before it could be. */
      let answered = false;
      /** The body ended, failed or was cancelled: nothing more goes to its reader. */
      let done = false;
      const onAbort = () => dispatch?.abort(signal.reason);
      signal.addEventListener("abort", onAbort, { once: true });
      const fail = (error: Error) => {
        signal.removeEventListener("abort", onAbort);
        if (!answered) {
          answered = true;
          reject(signal.aborted ? signal.reason : new TypeError("fetch failed", { cause: error }));
        } else if (!done) {
          done = true;
          reader?.error(signal.aborted ? signal.reason : error);
        }
      };
      dispatcher.dispatch(
        { origin: url.origin, path: `${url.pathname}${url.search}`, method: request.method, headers, body },
        {
          onRequestStart(controller) {
            dispatch = controller;
            if (signal.aborted) controller.abort(signal.reason);
          },
          onResponseStart(controller, status, fields, statusText) {
            if (status < 200 || answered) return;
            const coding = fields["transfer-encoding"];
            if (coding !== undefined && String(coding).trim().toLowerCase() !== "chunked") {
              controller.abort(new ResponseFramingError(`the response's Transfer-Encoding is ${JSON.stringify(String(coding))}; only chunked is read`));
              return;
            }
            const raw =
              NULL_BODY_STATUSES.has(status) || request.method === "HEAD"
                ? null
                : new ReadableStream<Uint8Array>(
                    {
                      start: (stream) => void (reader = stream),
                      pull: () => controller.resume(),
                      cancel: (reason) => {
                        done = true;
                        controller.abort(reason instanceof Error ? reason : new Error("the body was cancelled"));
                      },
                    },
                    new ByteLengthQueuingStrategy({ highWaterMark: QUEUED_BYTES }),
                  );
            const headerList = headersOf(fields);
            const decoder = raw && DECODERS[headerList.get("content-encoding")?.trim().toLowerCase() ?? ""];
            let response: Response;
            try {
              response = new Response(decoder ? raw.pipeThrough(Duplex.toWeb(decoder()) as unknown as TransformStream<Uint8Array, Uint8Array>) : raw, {
                status,
                statusText,
                headers: headerList,
              });
            } catch (error) {
              controller.abort(error as Error);
              return;
            }
            answered = true;
            if (!reader) done = true;
            resolve(response);
          },
          onResponseData(controller, chunk) {
            if (done || !reader) return;
            reader.enqueue(chunk);
            if ((reader.desiredSize ?? 1) <= 0) controller.pause();
          },
          onResponseEnd() {
            signal.removeEventListener("abort", onAbort);
            if (!answered) return fail(new Error("the connection ended before a response"));
            if (done) return;
            done = true;
            reader?.close();
          },
          onResponseError(_controller, error) {
            fail(error);
          },
        },
      );
    });
  };
}
