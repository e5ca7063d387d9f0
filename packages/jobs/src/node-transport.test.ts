import { createServer, type Server, type Socket } from "node:net";
import * as tls from "node:tls";
import { gzipSync } from "node:zlib";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { nodeBody } from "./node-bodies.js";
import { nodeFetch } from "./node-transport.js";
import { testCertificate } from "@impactkit/testing";
import { rejection } from "./test-support.js";

/**
 * `nodeFetch` against servers that write raw bytes on the socket, so that they can send what an HTTP
 * library would never let them: framing of every kind, informational answers, garbage, a connection cut
 * mid-body, a body nobody reads.
 */
interface RawServer {
  url: string;
  /** The request heads received, in order. */
  heads: string[];
  /** Resolves when a connection closes, with the number closed so far. */
  closed(): Promise<number>;
  close(): Promise<void>;
}

const servers: Array<RawServer> = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A server that reads each request head, then hands the socket to `answer`. */
async function rawServer(answer: (socket: Socket, head: string) => void, make: () => Server = () => createServer(), scheme = "http", host = "127.0.0.1"): Promise<RawServer> {
  const heads: string[] = [];
  const sockets = new Set<Socket>();
  let closedCount = 0;
  let onClosed: Array<() => void> = [];
  const server = make();
  server.on(scheme === "https" ? "secureConnection" : "connection", (socket: Socket) => {
    sockets.add(socket);
    socket.on("error", () => undefined);
    socket.on("close", () => {
      sockets.delete(socket);
      closedCount += 1;
      for (const wake of onClosed.splice(0)) wake();
    });
    let received = "";
    const onData = (data: Buffer) => {
      received += data.toString("latin1");
      const end = received.indexOf("\r\n\r\n");
      if (end < 0) return;
      socket.off("data", onData);
      heads.push(received.slice(0, end));
      answer(socket, received.slice(0, end));
    };
    socket.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const raw: RawServer = {
    url: `${scheme}://${host}:${port}`,
    heads,
    closed: () => new Promise((resolve) => onClosed.push(() => resolve(closedCount))),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        onClosed = [];
        server.close(() => resolve());
      }),
  };
  servers.push(raw);
  return raw;
}

/** Every byte of a nodeFetch response's body, copying each lent chunk. */
async function bodyOf(response: Response): Promise<Buffer> {
  const body = nodeBody(response)!;
  const chunks: Buffer[] = [];
  for (let chunk = await body.next(); chunk !== undefined; chunk = await body.next()) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/**
 * The trusted CAs of this process (Node.js ≥ 22.15; the tests run on the workspace's Node 24, the package is
 * typed against Node 20's API, which lacks them).
 */
const trust = tls as unknown as { getCACertificates(kind: "default"): string[]; setDefaultCACertificates(certificates: string[]): void };

const payload = (size: number) => Buffer.from(Array.from({ length: size }, (_, index) => (index * 7) % 251));

describe("nodeFetch reads HTTP/1.1 as servers really frame it", () => {
  it("sends one GET with the given headers, Host and Connection: close, and no body framing", async () => {
    const server = await rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    const response = await nodeFetch(`${server.url}/results/a?expires=1&signature=s`, { headers: { "Accept-Encoding": "identity", Range: "bytes=5-", Connection: "keep-alive", "Content-Length": "3" } });
    expect((await bodyOf(response)).toString()).toBe("ok");
    expect(server.heads[0]!.split("\r\n")).toEqual([
      "GET /results/a?expires=1&signature=s HTTP/1.1",
      `Host: ${new URL(server.url).host}`,
      "Connection: close",
      "accept-encoding: identity",
      "range: bytes=5-",
    ]);
  });

  it("Content-Length, chunked (with extensions and trailers) and read-until-close bodies give the same bytes", async () => {
    const bytes = payload(300_000);
    const chunked = Buffer.concat([Buffer.from(`1000;name=value\r\n`), bytes.subarray(0, 0x1000), Buffer.from(`\r\n${(bytes.length - 0x1000).toString(16)}\r\n`), bytes.subarray(0x1000), Buffer.from("\r\n0\r\nX-Checksum: none\r\n\r\n")]);
    const answers = [
      Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${bytes.length}\r\n\r\n`), bytes]),
      Buffer.concat([Buffer.from("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"), chunked]),
      Buffer.concat([Buffer.from("HTTP/1.0 200 OK\r\n\r\n"), bytes]),
    ];
    for (const answer of answers) {
      const server = await rawServer((socket) => {
        // In pieces, so that framing spans reads.
        for (let at = 0; at < answer.length; at += 7_777) socket.write(answer.subarray(at, at + 7_777));
        socket.end();
      });
      const response = await nodeFetch(server.url);
      expect(response.status).toBe(200);
      expect((await bodyOf(response)).equals(bytes)).toBe(true);
    }
  });

  it("skips informational answers (103 Early Hints) to the real one", async () => {
    const server = await rawServer((socket) => socket.end("HTTP/1.1 103 Early Hints\r\nLink: </a>; rel=preload\r\n\r\nHTTP/1.1 206 Partial Content\r\nContent-Range: bytes 2-3/4\r\nContent-Length: 2\r\n\r\nzz"));
    const response = await nodeFetch(server.url);
    expect([response.status, response.headers.get("content-range"), (await bodyOf(response)).toString()]).toEqual([206, "bytes 2-3/4", "zz"]);
  });

  it("decodes a gzip body a server sends although identity was asked", async () => {
    const bytes = payload(100_000);
    const coded = gzipSync(bytes);
    const server = await rawServer((socket) => socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${coded.length}\r\n\r\n`), coded])));
    expect((await bodyOf(await nodeFetch(server.url))).equals(bytes)).toBe(true);
  });

  it.each([
    ["garbage instead of a status line", "SSH-2.0-OpenSSH_9.6\r\n\r\n", /malformed HTTP response/],
    ["a status no HTTP defines", "HTTP/1.1 600 Beyond\r\nContent-Length: 0\r\n\r\n", /status/],
    ["a close before the headers end", "HTTP/1.1 200 OK\r\nContent-Le", /closed before the response ended/],
    ["differing Content-Lengths", "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nabcde", /malformed HTTP response/],
  ])("fails as fetch does on %s: a TypeError with the cause", async (_, answer, cause) => {
    const server = await rawServer((socket) => socket.end(answer));
    const error = (await rejection(nodeFetch(server.url))) as TypeError;
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe("fetch failed");
    expect(String((error.cause as Error).message)).toMatch(cause);
  });

  it("a body cut before its Content-Length rejects the read instead of ending quietly", async () => {
    const server = await rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly this"));
    const body = nodeBody(await nodeFetch(server.url))!;
    expect(Buffer.from((await body.next())!).toString()).toBe("only this");
    expect(await rejection(body.next())).toMatchObject({ message: "the connection closed before the body ended" });
  });
});

describe("nodeFetch holds memory and connections to what the consumer takes", () => {
  it("pauses the socket while a chunk is held: the server's writes back up instead of piling up in the client", async () => {
    const total = 256 << 20;
    let written = 0;
    let blocked: () => void;
    const serverBlocked = new Promise<void>((resolve) => (blocked = resolve));
    const server = await rawServer((socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${total}\r\n\r\n`);
      const block = Buffer.alloc(1 << 20, 1);
      const pump = () => {
        while (written < total) {
          written += block.length;
          if (!socket.write(block)) {
            socket.once("drain", pump);
            // Blocked with no drain for a while: the client is not reading.
            const at = written;
            setTimeout(() => written === at && blocked(), 300);
            return;
          }
        }
        socket.end();
      };
      pump();
    });
    const body = nodeBody(await nodeFetch(server.url))!;
    await body.next();
    await serverBlocked;
    expect(written).toBeLessThan(64 << 20);
    const closed = server.closed();
    body.destroy();
    expect(await closed).toBe(1);
  });

  it("an abort closes the connection before the headers and while a body is read, rejecting with its reason", async () => {
    let requested: () => void;
    const request = new Promise<void>((resolve) => (requested = resolve));
    const silent = await rawServer(() => requested());
    const controller = new AbortController();
    const pending = nodeFetch(silent.url, { signal: controller.signal });
    await request;
    const closed = silent.closed();
    controller.abort(new DOMException("enough", "AbortError"));
    expect(await rejection(pending)).toMatchObject({ name: "AbortError", message: "enough" });
    expect(await closed).toBe(1);

    const slow = await rawServer((socket) => socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nfirst"));
    const reading = new AbortController();
    const body = nodeBody(await nodeFetch(slow.url, { signal: reading.signal }))!;
    await body.next();
    const next = body.next();
    const bodyClosed = slow.closed();
    reading.abort(new DOMException("stop", "AbortError"));
    expect(await rejection(next)).toMatchObject({ message: "stop" });
    expect(await bodyClosed).toBe(1);
  });

  it("refuses what it was not made for before connecting: a request body, another scheme", async () => {
    expect(await rejection(nodeFetch("http://127.0.0.1:9/", { method: "POST", body: "x" }))).toMatchObject({ message: "fetch failed", cause: { message: "nodeFetch sends no request body" } });
    expect(await rejection(nodeFetch("ftp://127.0.0.1/x"))).toMatchObject({ message: "fetch failed", cause: { message: "unsupported protocol ftp:" } });
  });
});

describe("nodeFetch over TLS", () => {
  let key: string;
  let cert: string;
  let trusted: string[];
  beforeAll(async () => {
    trusted = trust.getCACertificates("default");
    ({ key, cert } = await testCertificate("localhost"));
  });
  afterAll(() => {
    trust.setDefaultCACertificates(trusted);
  });

  const tlsServer = (servernames: Array<string | false>) =>
    rawServer(
      (socket, head) => {
        servernames.push((socket as tls.TLSSocket).servername ?? false);
        socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${head.length}\r\n\r\n${head}`);
      },
      () => tls.createServer({ key, cert, ALPNProtocols: ["http/1.1"] }),
      "https",
      "localhost",
    );

  it("verifies the certificate: an untrusted one is refused", async () => {
    const server = await tlsServer([]);
    const error = (await rejection(nodeFetch(server.url))) as TypeError;
    expect([error.message, (error.cause as NodeJS.ErrnoException).code]).toEqual(["fetch failed", "DEPTH_ZERO_SELF_SIGNED_CERT"]);
  });

  it("with the certificate trusted, reads the answer and names the host (SNI)", async () => {
    trust.setDefaultCACertificates([...trusted, cert]);
    const servernames: Array<string | false> = [];
    const server = await tlsServer(servernames);
    const response = await nodeFetch(`${server.url}/x`);
    expect((await bodyOf(response)).toString()).toMatch(/^GET \/x HTTP\/1\.1\r\nHost: localhost:\d+/);
    expect(servernames).toEqual(["localhost"]);
  });
});
