import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { pipeline, type Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { setNodeBody } from "./node-bodies.js";

/** Decoders of the content codings a server may send although `identity` was asked (RFC 9110 §8.4.1). */
const DECODERS: Record<string, () => Transform> = { gzip: createGunzip, "x-gzip": createGunzip, deflate: createInflate, br: createBrotliDecompress };

/**
 * A `fetch` for the bulk transfers on Node.js: `node:http(s)` straight into Node.js streams, without the
 * WHATWG stream and async-iterator layers of the global fetch, which cap a download at a third of the
 * wire's speed. It does what the transfers need of fetch and no more: no redirects (they are followed by
 * hand), decoding of a coded body as fetch does (`Accept-Encoding: identity` is asked; a server that sends
 * gzip, deflate or br anyway is decoded), abort by `signal`. The response's `body` is `null`: its bytes are `nodeBody(response)`.
 */
export function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  const headers = Object.fromEntries(new Headers(input instanceof Request ? input.headers : init.headers).entries());
  const signal = init.signal ?? (input instanceof Request ? input.signal : undefined);
  const send = url.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const request = send(url, { method: init.method ?? (input instanceof Request ? input.method : "GET"), headers, ...(signal ? { signal } : {}) }, (incoming) => {
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (value === undefined) continue;
        for (const one of Array.isArray(value) ? value : [value]) responseHeaders.append(name, one);
      }
      const response = new Response(null, { status: incoming.statusCode ?? 500, statusText: incoming.statusMessage ?? "", headers: responseHeaders });
      const decoder = DECODERS[String(incoming.headers["content-encoding"] ?? "").trim().toLowerCase()];
      setNodeBody(response, decoder ? pipeline(incoming, decoder(), () => undefined) : incoming);
      resolve(response);
    });
    request.once("error", (error) => reject(signal?.aborted ? signal.reason : new TypeError("fetch failed", { cause: error })));
    request.end();
  });
}
