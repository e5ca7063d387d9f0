import { connect as netConnect, isIP, type OnReadOpts, type Socket } from "node:net";
import { connect as tlsConnect, type ConnectionOptions } from "node:tls";
import { HTTPParser, type HeaderInfo } from "http-parser-js";

/** Bytes read from the socket at once, into one buffer reused for the whole response. */
const READ_BUFFER_BYTES = 256 << 10;

/** Request headers the exchange writes itself (RFC 9112 §3.2, §9.6) or never sends (a GET has no body). */
const OWN_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "upgrade"]);

/**
 * A response body whose chunks are lent: each is valid until the next call of `next()` or `destroy()`,
 * after which its memory holds the next bytes. A consumer that keeps a chunk copies it.
 */
export interface LentBody {
  /** The next chunk, or `undefined` at the end of the body. Rejects when the connection broke or the body is malformed. */
  next(): Promise<Uint8Array | undefined>;
  /** Closes the connection; safe to call more than once. */
  destroy(): void;
}

export interface Http1Response {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: LentBody;
}

/**
 * One HTTP/1.1 request (RFC 9112) without a body, on a connection of its own, its response read straight
 * from the socket into one reused buffer (`onread`): no allocation per read, no copy between the socket
 * and the consumer, and the socket paused while the consumer holds a chunk (backpressure). Node.js's
 * `http` client allocates a buffer per read and parses in more layers; on a fast link that caps a
 * transfer well below the wire's speed and leaves a hundred megabytes of garbage per gigabyte.
 * Parsing (status line, headers, Content-Length, chunked coding, read-until-close) is http-parser-js's.
 * Rejects with the connection's error before the headers, or with `signal`'s reason when it aborts
 * (which also closes the connection at any later point).
 */
export function http1Exchange(url: URL, method: string, headers: Iterable<[string, string]>, signal: AbortSignal | undefined): Promise<Http1Response> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    let head = `${method} ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n`;
    for (const [name, value] of headers) {
      if (OWN_HEADERS.has(name.toLowerCase())) continue;
      if (/[\r\n\0]/.test(name + value)) return reject(new TypeError(`invalid header ${name}`));
      head += `${name}: ${value}\r\n`;
    }
    head += "\r\n";
    const https = url.protocol === "https:";
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const port = Number(url.port) || (https ? 443 : 80);
    /** Body chunks parsed from the last read, not yet taken; they point into the read buffer. */
    const lent: Uint8Array[] = [];
    let responded = false;
    let informational = false;
    let ended = false;
    let failure: unknown;
    let waiter: { resolve: (chunk: Uint8Array | undefined) => void; reject: (error: unknown) => void } | undefined;

    const answerWaiter = () => {
      if (!waiter) return;
      const { resolve: give, reject: refuse } = waiter;
      if (lent.length > 0) give(lent.shift());
      else if (failure !== undefined) refuse(failure);
      else if (ended) give(undefined);
      else return;
      waiter = undefined;
    };
    const settle = () => {
      signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      answerWaiter();
    };
    const fail = (error: unknown) => {
      if (ended || failure !== undefined) return;
      failure = error;
      settle();
      if (!responded) reject(error);
    };
    const onAbort = () => fail(signal!.reason);

    const parser = new HTTPParser(HTTPParser.RESPONSE);
    parser[HTTPParser.kOnHeadersComplete] = (info: HeaderInfo) => {
      if (info.statusCode < 200) {
        informational = true;
        return 1;
      }
      responded = true;
      const pairs: Array<[string, string]> = [];
      for (let index = 0; index < info.headers.length; index += 2) pairs.push([info.headers[index]!, info.headers[index + 1]!]);
      resolve({ status: info.statusCode, statusText: info.statusMessage, headers: pairs, body });
      return info.statusCode === 204 || info.statusCode === 304 ? 1 : 0;
    };
    parser[HTTPParser.kOnBody] = (chunk: Buffer, offset: number, length: number) => {
      if (length > 0) lent.push(chunk.subarray(offset, offset + length));
    };
    parser[HTTPParser.kOnMessageComplete] = () => {
      if (informational) informational = false;
      else if (failure === undefined && !ended) {
        ended = true;
        settle();
      }
    };

    const onread = {
      buffer: Buffer.allocUnsafe(READ_BUFFER_BYTES),
      callback: (bytes: number, buffer: Uint8Array): boolean => {
        if (ended || failure !== undefined) return false;
        const parsed = parser.execute(buffer as Buffer, 0, bytes);
        if (parsed instanceof Error) {
          fail(new Error(`malformed HTTP response: ${parsed.message}`));
          return false;
        }
        if (lent.length === 0) return true;
        answerWaiter();
        return false;
      },
    };
    // `tls.connect` takes `onread` as `net.connect` does (https://nodejs.org/api/tls.html#tlsconnectoptions-callback); Node 20's types omit it.
    const tlsOptions: ConnectionOptions & { onread: OnReadOpts } = { host, port, ...(isIP(host) ? {} : { servername: host }), ALPNProtocols: ["http/1.1"], onread };
    const socket: Socket = https ? tlsConnect(tlsOptions) : netConnect({ host, port, onread });
    socket.on("error", fail);
    socket.on("end", () => {
      if (ended || failure !== undefined) return;
      parser.finish();
      if (!ended) fail(new Error(responded ? "the connection closed before the body ended" : "the connection closed before the response ended"));
    });
    socket.on("close", () => fail(new Error("the connection closed before the response ended")));
    signal?.addEventListener("abort", onAbort, { once: true });

    const body: LentBody = {
      next() {
        if (lent.length > 0) return Promise.resolve(lent.shift());
        if (failure !== undefined) return Promise.reject(failure);
        if (ended) return Promise.resolve(undefined);
        return new Promise((give, refuse) => {
          waiter = { resolve: give, reject: refuse };
          socket.resume();
        });
      },
      destroy() {
        if (!ended) fail(new Error("the body was closed"));
      },
    };

    socket.write(head);
  });
}
