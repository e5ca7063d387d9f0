import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tls from "node:tls";
import { createClient } from "@impactkit/partner-v15";
import { rawServer, startProxy, testCertificate, type RawServer, type TestProxy } from "@impactkit/testing";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JobsOptions } from "../impact/context.js";
import { createJobs } from "../api/create-jobs.js";
import { ConnectionError, JobTimeoutError, ProtocolError, RequestTimeoutError } from "../base/errors.js";
import { type FakeApi, JOB_ID, VirtualTiming, jobBody, rejection, resultBytes, sendJson, startFakeApi } from "../testing.js";
import { HOSTILE_ACCOUNT, hostileClient } from "../testing/clients.fixture.js";

/**
 * What the audit found a permissive HTTP reader did with bytes a remote side chooses, each against a raw
 * server that sends them: every one now fails the transfer clearly, at once and without a partial file.
 */
const SIGNED = "X-Signature=s3cr3t-signature";
const trust = tls as unknown as { getCACertificates(kind: "default"): string[]; setDefaultCACertificates(certificates: string[]): void };
let closing: Array<{ close(): Promise<void> }>;
let dir: string;
let trusted: string[];

beforeAll(() => {
  trusted = trust.getCACertificates("default");
});
afterAll(() => trust.setDefaultCACertificates(trusted));
beforeEach(() => {
  closing = [];
  dir = mkdtempSync(join(tmpdir(), "impactkit-hostile-http-"));
});
afterEach(async () => {
  await Promise.all(closing.map((server) => server.close()));
  rmSync(dir, { recursive: true, force: true });
});

function kept<T extends { close(): Promise<void> }>(server: T): T {
  closing.push(server);
  return server;
}

/** Storage that writes `reply` on the raw socket for every request. */
const rawStorage = async (reply: string | ((socket: Socket) => void)): Promise<RawServer> =>
  kept(await rawServer((socket) => (typeof reply === "string" ? socket.end(reply) : reply(socket))));

/** The partner API: the job is COMPLETED and Download redirects to `location`, or answers with `download`. */
async function api(location: string, download?: (socket: Socket) => void): Promise<RawServer | FakeApi> {
  if (download) {
    return kept(
      await rawServer((socket, head) => {
        if (head.includes("/Download")) return download(socket);
        const body = JSON.stringify(jobBody("COMPLETED"));
        socket.end(`HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      }),
    );
  }
  return kept(
    await startFakeApi((request, response) => {
      if (request.url?.includes("/Download")) return void (response.writeHead(302, { Location: location }), response.end());
      sendJson(response, 200, jobBody("COMPLETED"));
    }),
  );
}

const fast = { policy: { firstDelayMs: 1, minDelayMs: 1, maxDelayMs: 5, jitter: 0 } } satisfies JobsOptions;
const jobsAt = (server: { url: string }, options: JobsOptions = {}) => createJobs(hostileClient(server.url), { ...fast, ...options });
const left = () => readdirSync(dir);

describe("bytes no parser should accept fail the transfer at once, naming the host", () => {
  it.each([
    ["a negative chunk size (it froze the process)", "-5\r\nhello\r\n0\r\n\r\n"],
    ["-1 as the first chunk size (a 0-byte file was reported complete)", "-1\r\n"],
    ["a garbage chunk size after a good chunk (a 5-byte file was reported complete)", "5\r\nhello\r\nzz\r\n"],
  ])("%s: download, stream and records fail, no file is left", async (_case, chunks) => {
    const storage = await rawStorage(`HTTP/1.1 200 OK\r\nETag: "v1"\r\nTransfer-Encoding: chunked\r\n\r\n${chunks}`);
    const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
    const jobs = jobsAt(apiServer);
    for (const attempt of [
      () => jobs.download(JOB_ID, { to: join(dir, "r.csv") }),
      () => new Response(jobs.stream(JOB_ID)).arrayBuffer(),
      async () => {
        for await (const _row of jobs.records(JOB_ID)) void _row;
      },
    ]) {
      const error = await rejection(attempt());
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as Error).message).toMatch(
        new RegExp(`^Downloading job ${JOB_ID} failed: 127\\.0\\.0\\.1:\\d+ sent a malformed HTTP response: .*Invalid character in chunk size`),
      );
    }
    // Not retried: another attempt cannot mend a server that frames its bodies wrong.
    expect(storage.requests).toHaveLength(3);
    expect(left()).toEqual([]);
  });

  it.each([
    [
      "Transfer-Encoding : chunked (a space before the colon)",
      'HTTP/1.1 200 OK\r\nETag: "v1"\r\nTransfer-Encoding : chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
      /Invalid header field char/,
    ],
    [
      "Transfer-Encoding: gzip, chunked",
      'HTTP/1.1 200 OK\r\nETag: "v1"\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n',
      /Transfer-Encoding is "gzip, chunked"; only chunked is read/,
    ],
    ["Content-Length: 0x5", 'HTTP/1.1 200 OK\r\nETag: "v1"\r\nContent-Length: 0x5\r\n\r\nhello', /Invalid character in Content-Length/],
    ["status 2000", "HTTP/1.1 2000 OK\r\nContent-Length: 5\r\n\r\nhello", /Invalid response status/],
  ])("%s is refused, not saved as data", async (_case, reply, why) => {
    const storage = await rawStorage(reply);
    const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
    const error = await rejection(jobsAt(apiServer).download(JOB_ID, { to: join(dir, "r.csv") }));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(why);
    expect(storage.requests).toHaveLength(1);
    expect(left()).toEqual([]);
  });

  it("Mode=Stream: the API's own malformed body fails the same way", async () => {
    const apiServer = await api("unused", (socket) => socket.end("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n-3\r\n"));
    const error = await rejection(jobsAt(apiServer).download(JOB_ID, { to: join(dir, "r.csv"), mode: "stream" }));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(
      new RegExp(`failed: ${apiServer.url.replace("http://", "").replaceAll(".", "\\.")} sent a malformed HTTP response`),
    );
    expect(left()).toEqual([]);
  });

  it("a second response appended after a chunked body is not part of the file", async () => {
    const storage = await rawStorage(
      'HTTP/1.1 200 OK\r\nETag: "v1"\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nEVIL!',
    );
    const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
    await jobsAt(apiServer).download(JOB_ID, { to: join(dir, "r.csv") });
    expect(readFileSync(join(dir, "r.csv"), "utf8")).toBe("hello");
  });

  it("an endless chunk extension sends no body byte: the idle watchdog ends it, in bounded memory", async () => {
    const storage = await rawStorage((socket) => {
      socket.write('HTTP/1.1 200 OK\r\nETag: "v1"\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=');
      const junk = Buffer.alloc(64 << 10, 97);
      const pump = () => {
        while (!socket.destroyed && socket.write(junk));
        if (!socket.destroyed) socket.once("drain", pump);
      };
      pump();
    });
    const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
    const before = process.memoryUsage().heapUsed;
    const error = await rejection(jobsAt(apiServer, { idleTimeoutMs: 300 }).download(JOB_ID, { to: join(dir, "r.csv"), maxAttempts: 1 }));
    expect((error as Error).message).toMatch(/failed 2 times; last: transfer broke after 0 bytes: no bytes for 300 ms/);
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(64 << 20);
    expect(left()).toEqual([]);
  });

  it("a Location in UTF-8 is the URL its server meant", async () => {
    const body = resultBytes(1000);
    const storage = kept(
      await startFakeApi((_request, response) => (response.writeHead(200, { ETag: '"v1"', "Content-Length": body.length }), response.end(body))),
    );
    const apiServer = await api("unused", (socket) =>
      socket.end(
        Buffer.concat([
          Buffer.from(`HTTP/1.1 302 Found\r\nLocation: ${storage.url}/r`),
          Buffer.from("é", "utf8"),
          Buffer.from(`sultat.csv?${SIGNED}\r\nContent-Length: 0\r\n\r\n`),
        ]),
      ),
    );
    await jobsAt(apiServer).download(JOB_ID, { to: join(dir, "r.csv") });
    expect(storage.seen.map((request) => request.path)).toEqual([`/r%C3%A9sultat.csv?${SIGNED}`]);
  });
});

describe("leaving early and waiting on a silent host", () => {
  it("leaving records() or stream() on a stalled body returns at once and closes the connection", async () => {
    const storage = await rawStorage((socket) =>
      socket.write('HTTP/1.1 200 OK\r\nETag: "v1"\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\na,b\n1,2\n3,4\n5,6\n'),
    );
    const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
    // An idle timeout no test would wait for: leaving must not depend on it.
    const jobs = jobsAt(apiServer, { idleTimeoutMs: 3_600_000 });
    for await (const row of jobs.records(JOB_ID)) {
      expect(row).toEqual({ a: "1", b: "2" });
      break;
    }
    const reader = jobs.stream(JOB_ID).getReader();
    expect((await reader.read()).value).toBeDefined();
    await reader.cancel();
    for (let waited = 0; storage.open > 0 && waited < 400; waited += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(storage.open).toBe(0);
  });

  it("a host that accepts and never answers fails a call within callTimeoutMs, naming the host", async () => {
    const silent = kept(await rawServer(() => undefined));
    const error = await rejection(jobsAt(silent, { requestTimeoutMs: 150, callTimeoutMs: 400 }).list());
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toMatch(
      new RegExp(`^GET /Jobs failed: cannot reach ${silent.url.replace("http://", "").replaceAll(".", "\\.")}: no response within \\d+ ms$`),
    );
    expect(silent.requests.length).toBeGreaterThanOrEqual(1);
    expect(silent.requests.length).toBeLessThanOrEqual(3);
  });

  it("a wait whose checks cannot reach the API says so, instead of blaming the job", async () => {
    const silent = kept(await rawServer(() => undefined));
    // On virtual time: the first check is due at once and never answered; the deadline comes when the test says.
    const timing = new VirtualTiming();
    const waiting = rejection(jobsAt(silent, { timing, requestTimeoutMs: 60_000, callTimeoutMs: 600_000 }).wait(JOB_ID, { timeoutMs: 10_000 }));
    await timing.advance(0);
    for (let waited = 0; silent.requests.length === 0 && waited < 1_000; waited += 1) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(silent.requests).toHaveLength(1);
    await timing.advance(10_000);
    const unanswered = await waiting;
    expect(unanswered).toBeInstanceOf(RequestTimeoutError);
    expect((unanswered as Error).message).toBe(`Waiting for job ${JOB_ID} failed: cannot reach ${silent.url.replace("http://", "")}: no answer for 10 s`);
    const refused = kept(await rawServer(() => undefined));
    await refused.close();
    const error = await rejection(
      createJobs(createClient({ ...HOSTILE_ACCOUNT, baseUrl: refused.url }), { ...fast, callTimeoutMs: 60_000 }).wait(JOB_ID, { timeoutMs: 1_500 }),
    );
    expect(error).toBeInstanceOf(ConnectionError);
    // Whichever ends first on a loaded machine — the wait's 1.5 s or the check's retries — names the host, not the job.
    expect((error as Error).message).toMatch(
      new RegExp(`^(Waiting for job ${JOB_ID}|GET /Jobs/${JOB_ID}) failed: cannot reach 127\\.0\\.0\\.1:\\d+: connect ECONNREFUSED`),
    );
    expect(error).not.toBeInstanceOf(JobTimeoutError);
  });
});

describe("TLS failures are named and not retried", () => {
  it.each([
    [
      "an expired certificate",
      { notBefore: new Date("2001-01-01T00:00:00Z"), notAfter: new Date("2002-01-01T00:00:00Z") },
      "localhost",
      /certificate has expired \(CERT_HAS_EXPIRED\)/,
    ],
    ["a certificate for another name", {}, "storage.example", /ERR_TLS_CERT_ALTNAME_INVALID/],
  ])("storage with %s", async (_case, validity, name, why) => {
    const certificate = await testCertificate(name, validity);
    trust.setDefaultCACertificates([...trusted, certificate.cert]);
    const storage = kept(await rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"), certificate));
    const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
    const error = await rejection(jobsAt(apiServer).download(JOB_ID, { to: join(dir, "r.csv") }));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(new RegExp(`^Downloading job ${JOB_ID} failed: the TLS connection to localhost:\\d+ was refused: `));
    expect((error as Error).message).toMatch(why);
    expect(storage.connections).toBe(1);
    expect(left()).toEqual([]);
  });
});

describe("through a proxy", () => {
  let proxy: TestProxy;
  let storage: RawServer;
  const body = "a,b\n1,2\n";

  beforeEach(async () => {
    // storage.test resolves nowhere: the result can only come through the proxy's CONNECT tunnel.
    const certificate = await testCertificate("storage.test");
    trust.setDefaultCACertificates([...trusted, certificate.cert]);
    storage = kept(await rawServer((socket) => socket.end(`HTTP/1.1 200 OK\r\nETag: "v1"\r\nContent-Length: ${body.length}\r\n\r\n${body}`), certificate));
  });

  it("every request, API calls and the storage hop, goes through the proxy the client was given", async () => {
    const apiServer = await api(`https://storage.test/r.csv?${SIGNED}`);
    proxy = kept(
      await startProxy({
        hosts: { "storage.test:443": `127.0.0.1:${new URL(storage.url).port}`, "api.test:80": `127.0.0.1:${new URL(apiServer.url).port}` },
        credentials: "corp:pr0xy-Secret",
      }),
    );
    const client = createClient({ ...HOSTILE_ACCOUNT, baseUrl: "http://api.test", proxy: `http://corp:pr0xy-Secret@${new URL(proxy.url).host}` });
    const result = await createJobs(client, fast).download(JOB_ID, { to: join(dir, "r.csv") });
    expect(readFileSync(result.path, "utf8")).toBe(body);
    expect(proxy.seen.map(({ method, target }) => `${method} ${target.replace(/\/Jobs\/.*/, "/Jobs/…")}`)).toEqual([
      "GET http://api.test/Mediapartners/IRHOSTILE0001/Jobs/…",
      "CONNECT storage.test:443",
    ]);
  });

  it("an unreachable proxy is a clear error naming the proxy, never its credentials", async () => {
    const gone = await rawServer(() => undefined);
    const { port } = new URL(gone.url);
    await gone.close();
    const client = createClient({ ...HOSTILE_ACCOUNT, baseUrl: "http://api.test", proxy: `http://corp:pr0xy-Secret@127.0.0.1:${port}` });
    const error = await rejection(createJobs(client, { ...fast, retries: 0 }).get(JOB_ID));
    expect(error).toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toBe(
      `GET /Jobs/${JOB_ID} failed: cannot reach the proxy http://127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(JSON.stringify(error) + String((error as Error).stack) + String((error as { cause?: Error }).cause?.message)).not.toContain("pr0xy-Secret");
  });

  it("a proxy refusing the credentials is named, and the request is not retried", async () => {
    proxy = kept(await startProxy({ credentials: "corp:pr0xy-Secret" }));
    const client = createClient({ ...HOSTILE_ACCOUNT, baseUrl: "http://api.test", proxy: `http://corp:wrong@${new URL(proxy.url).host}` });
    const error = await rejection(createJobs(client, fast).get(JOB_ID));
    expect((error as Error).message).toBe(
      `GET /Jobs/${JOB_ID} failed: cannot reach api.test through the proxy ${proxy.url}: the proxy answered HTTP 407 (it needs credentials, or refused the ones given)`,
    );
    expect(proxy.seen).toHaveLength(1);
  });
});

describe("a Zendesk wait that times out names the last status", () => {
  it("as an impact.com one does", async () => {
    const { createZendeskJobs } = await import("../api/zendesk.js");
    const server = kept(
      await startFakeApi((_request, response) =>
        sendJson(response, 200, JSON.stringify({ job_status: { id: "z1", status: "working", progress: 1, total: 4 } })),
      ),
    );
    const error = await rejection(
      createZendeskJobs({ baseUrl: server.url, authorization: "Bearer t", policy: { firstDelayMs: 1, minDelayMs: 1, maxDelayMs: 5 } }).wait("z1", {
        timeoutMs: 200,
      }),
    );
    expect(error).toBeInstanceOf(JobTimeoutError);
    expect((error as Error).message).toBe("Job z1 did not finish within 200 ms (last status working)");
  });
});
