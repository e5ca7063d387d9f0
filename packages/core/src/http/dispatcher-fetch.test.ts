import type { Socket } from "node:net";
import * as tls from "node:tls";
import { gzipSync } from "node:zlib";
import { rawServer, testCertificate, type RawServer } from "@impactkit/testing";
import { Agent } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { dispatcherFetch, ResponseFramingError } from "./dispatcher-fetch.js";

const agent = new Agent({ connect: { timeout: 2_000 } });
const fetchVia = dispatcherFetch(agent);
let servers: RawServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});
afterAll(() => agent.close());

/** A raw server that writes `reply` (bytes or a function of the socket) to every request. */
async function replying(reply: string | Buffer | ((socket: Socket) => void)): Promise<RawServer> {
  const server = await rawServer((socket) => (typeof reply === "function" ? reply(socket) : socket.end(reply)));
  servers.push(server);
  return server;
}

/** What a failed fetch or body read says, with the code of its cause. */
async function failure(promise: Promise<unknown>): Promise<{ message: string; cause: string }> {
  const error = (await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  )) as (Error & { cause?: Error & { code?: string } }) | undefined;
  if (!error) throw new Error("expected a failure");
  return { message: error.message, cause: `${error.cause?.name}: ${error.cause?.message ?? ""}` };
}

describe("dispatcherFetch: a fetch on undici", () => {
  it("reads the status, every header (repeated ones too) and the body, and decodes gzip while the headers stay as sent", async () => {
    const body = gzipSync("a,b\n1,2\n");
    const server = await replying(
      Buffer.concat([
        Buffer.from(`HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Encoding: gzip\r\nContent-Length: ${body.length}\r\nX-Dup: a\r\nX-Dup: b\r\n\r\n`),
        body,
      ]),
    );
    const response = await fetchVia(`${server.url}/r.csv?x=1`, { headers: { "X-Mine": "1" } });
    expect([response.status, response.headers.get("x-dup"), response.headers.get("content-encoding"), response.headers.get("content-length")]).toEqual([
      200,
      "a, b",
      "gzip",
      String(body.length),
    ]);
    expect(await response.text()).toBe("a,b\n1,2\n");
    expect(server.requests[0]).toMatch(/^GET \/r\.csv\?x=1 HTTP\/1\.1\r\n/);
    expect(server.requests[0]).toMatch(/\r\nx-mine: 1/i);
    expect(server.requests[0]).toMatch(/\r\naccept-encoding: gzip, deflate, br/i);
  });

  it("returns a redirect as the response, never following it", async () => {
    const server = await replying("HTTP/1.1 302 Found\r\nLocation: https://elsewhere.example/r.csv\r\nContent-Length: 0\r\n\r\n");
    const response = await fetchVia(server.url);
    expect([response.status, response.headers.get("location")]).toEqual([302, "https://elsewhere.example/r.csv"]);
    expect(server.connections).toBe(1);
  });

  it.each([
    ["a negative chunk size (the hand-written parser looped forever on it)", "-5\r\nhello\r\n0\r\n\r\n"],
    ["-1 as the first chunk size", "-1\r\n"],
    ["a garbage chunk size after a good chunk", "5\r\nhello\r\nzz\r\nxx\r\n0\r\n\r\n"],
  ])("fails the body on %s instead of ending it early", async (_case, chunks) => {
    const server = await replying(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`);
    const read = (async () => (await fetchVia(server.url)).arrayBuffer())();
    expect((await failure(read)).message).toMatch(/Invalid character in chunk size/);
  });

  it.each([
    [
      "Transfer-Encoding with a space before the colon",
      "HTTP/1.1 200 OK\r\nTransfer-Encoding : chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      /Invalid header field char/,
    ],
    ["Content-Length: 0x5", "HTTP/1.1 200 OK\r\nContent-Length: 0x5\r\n\r\nhello", /Invalid character in Content-Length/],
    ["status 2000", "HTTP/1.1 2000 OK\r\nContent-Length: 5\r\n\r\nhello", /Invalid response status/],
  ])("refuses %s", async (_case, reply, why) => {
    const server = await replying(reply);
    const { message, cause } = await failure(fetchVia(server.url));
    expect(message).toBe("fetch failed");
    expect(cause).toMatch(why);
  });

  it("refuses Content-Length: 1e1 as a length the body does not have", async () => {
    const server = await replying("HTTP/1.1 200 OK\r\nContent-Length: 1e1\r\n\r\nhellohello");
    const read = (async () => (await fetchVia(server.url)).arrayBuffer())();
    expect(JSON.stringify(await failure(read))).toMatch(/content-length|Content-Length/);
  });

  it("refuses a transfer coding other than chunked (gzip, chunked would be saved as data)", async () => {
    const server = await replying("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
    const error = (await fetchVia(server.url).then(
      () => undefined,
      (caught: unknown) => caught,
    )) as TypeError;
    expect(error.message).toBe("fetch failed");
    expect(error.cause).toBeInstanceOf(ResponseFramingError);
    expect((error.cause as Error).message).toBe('the response\'s Transfer-Encoding is "gzip, chunked"; only chunked is read');
  });

  it("keeps a second response appended after a chunked body out of the first one's body", async () => {
    const server = await replying(
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nEVIL!",
    );
    expect(await (await fetchVia(server.url)).text()).toBe("hello");
  });

  it("reads an endless chunk extension, trailer or header section in bounded memory", async () => {
    const endless = (start: string) => (socket: Socket) => {
      socket.write(start);
      const junk = Buffer.alloc(64 << 10, 97);
      let sent = 0;
      const pump = () => {
        while (sent < 256 << 20) {
          sent += junk.length;
          if (!socket.write(junk)) return void socket.once("drain", pump);
        }
        socket.end();
      };
      pump();
    };
    const header = await replying(endless("HTTP/1.1 200 OK\r\nX-Endless: "));
    expect((await failure(fetchVia(header.url))).cause).toMatch(/Headers Overflow/);
    const trailer = await replying(endless("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Endless: "));
    expect((await failure((async () => (await fetchVia(trailer.url)).arrayBuffer())())).message).toMatch(/Headers Overflow/);
    // A chunk extension undici reads and drops: 256 MiB of it, a body that never comes, and the heap stays small.
    const before = process.memoryUsage().heapUsed;
    const extension = await replying(endless("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext="));
    expect((await failure((async () => (await fetchVia(extension.url)).arrayBuffer())())).message).toMatch(/other side closed|terminated|closed/i);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 << 20);
  });

  it("closes the connection at once when the reader cancels a stalled body", async () => {
    const server = await replying((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nsome bytes"));
    const response = await fetchVia(server.url);
    const reader = response.body!.getReader();
    expect((await reader.read()).value).toBeDefined();
    await reader.cancel();
    for (let waited = 0; server.open > 0 && waited < 400; waited += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(server.open).toBe(0);
  });

  it("rejects with the signal's reason when aborted before the answer or during the body", async () => {
    const silent = await replying(() => undefined);
    const early = new AbortController();
    const pending = fetchVia(silent.url, { signal: early.signal });
    early.abort(new DOMException("stop", "TimeoutError"));
    expect(((await pending.catch((error: unknown) => error)) as Error).name).toBe("TimeoutError");
    const stalled = await replying((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc"));
    const late = new AbortController();
    const response = await fetchVia(stalled.url, { signal: late.signal });
    const reading = response.arrayBuffer();
    late.abort(new Error("the reader left"));
    expect(((await reading.catch((error: unknown) => error)) as Error).message).toBe("the reader left");
  });

  describe("over TLS", () => {
    let trusted: string[];
    const trust = tls as unknown as { getCACertificates(kind: "default"): string[]; setDefaultCACertificates(certificates: string[]): void };
    beforeAll(() => {
      trusted = trust.getCACertificates("default");
    });
    afterAll(() => trust.setDefaultCACertificates(trusted));

    async function tlsServer(options: Parameters<typeof testCertificate>[1] = {}, host = "localhost"): Promise<RawServer> {
      const certificate = await testCertificate(host, options);
      trust.setDefaultCACertificates([...trusted, certificate.cert]);
      const server = await rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), certificate);
      servers.push(server);
      return server;
    }

    it("reads the answer of a trusted server, naming the host (SNI)", async () => {
      const server = await tlsServer();
      expect(await (await fetchVia(server.url)).text()).toBe("ok");
    });

    it.each([
      ["an expired certificate", { notBefore: new Date("2001-01-01T00:00:00Z"), notAfter: new Date("2002-01-01T00:00:00Z") }, "localhost", "CERT_HAS_EXPIRED"],
      ["a certificate for another name", {}, "storage.example", "ERR_TLS_CERT_ALTNAME_INVALID"],
    ])("refuses %s, keeping the cause's code", async (_case, validity, host, code) => {
      const server = await tlsServer(validity, host);
      const error = (await fetchVia(server.url).catch((caught: unknown) => caught)) as TypeError & { cause: { code: string } };
      expect([error.message, error.cause.code]).toEqual(["fetch failed", code]);
    });

    it("gives up a connection whose TLS handshake never completes after the connect timeout", async () => {
      const silent = await rawServer(() => undefined);
      servers.push(silent);
      const quick = new Agent({ connect: { timeout: 200 } });
      const error = (await dispatcherFetch(quick)(silent.url.replace("http:", "https:")).catch((caught: unknown) => caught)) as TypeError & {
        cause: { code: string };
      };
      await quick.close();
      expect([error.message, error.cause.code]).toEqual(["fetch failed", "UND_ERR_CONNECT_TIMEOUT"]);
    });
  });
});
