import { Readable, pipeline, type Transform } from "node:stream";
import { createBrotliDecompress, createGunzip, createInflate } from "node:zlib";
import { http1Exchange, type LentBody } from "./http1-exchange.js";
import { setNodeBody } from "./node-bodies.js";

/** Decoders of the content codings a server may send although `identity` was asked (RFC 9110 §8.4.1). */
const DECODERS: Record<string, () => Transform> = { gzip: createGunzip, "x-gzip": createGunzip, deflate: createInflate, br: createBrotliDecompress };

/** A coded body decoded; its chunks are the decoder's own (copies go in, since the coded ones are lent). */
function decoded(body: LentBody, decoder: Transform): LentBody {
  const coded = Readable.from(
    (async function* () {
      for (let chunk = await body.next(); chunk !== undefined; chunk = await body.next()) yield Buffer.from(chunk);
    })(),
  );
  const plain = pipeline(coded, decoder, () => undefined);
  const chunks = plain[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
  return {
    next: async () => {
      const read = await chunks.next();
      return read.done ? undefined : read.value;
    },
    destroy: () => {
      plain.destroy();
      body.destroy();
    },
  };
}

/**
 * A `fetch` for the bulk transfers on Node.js, at the wire's speed: each request an `http1Exchange` on a
 * connection of its own, the body read from the socket into a reused buffer, without the WHATWG stream
 * and async-iterator layers of the global fetch nor the buffer per read of `node:http`. It does what the
 * transfers need of fetch and no more: GET without a body, no redirects (they are followed by hand),
 * decoding of a coded body as fetch does (`Accept-Encoding: identity` is asked; a server that sends gzip,
 * deflate or br anyway is decoded), abort by `signal` at any phase. The response's `body` is `null`:
 * its bytes are `nodeBody(response)`. Fails as fetch does: a `TypeError` "fetch failed" with the cause.
 */
export async function nodeFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const url = new URL(input instanceof Request ? input.url : input);
  const headers = new Headers(input instanceof Request ? input.headers : init.headers);
  const signal = init.signal ?? (input instanceof Request ? input.signal : undefined);
  const method = init.method ?? (input instanceof Request ? input.method : "GET");
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new TypeError("fetch failed", { cause: new Error(`unsupported protocol ${url.protocol}`) });
  if (init.body != null || (input instanceof Request && input.body !== null)) throw new TypeError("fetch failed", { cause: new Error("nodeFetch sends no request body") });
  let exchange;
  try {
    exchange = await http1Exchange(url, method, headers, signal);
  } catch (error) {
    throw signal?.aborted ? signal.reason : new TypeError("fetch failed", { cause: error });
  }
  let response: Response;
  try {
    response = new Response(null, { status: exchange.status, statusText: exchange.statusText, headers: exchange.headers });
  } catch (error) {
    exchange.body.destroy();
    throw new TypeError("fetch failed", { cause: error });
  }
  const decoder = DECODERS[response.headers.get("content-encoding")?.trim().toLowerCase() ?? ""];
  setNodeBody(response, decoder ? decoded(exchange.body, decoder()) : exchange.body);
  return response;
}
