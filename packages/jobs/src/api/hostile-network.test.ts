import { createHash, randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect } from "node:util";
import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobsOptions } from "../impact/context.js";
import { createJobs } from "./create-jobs.js";
import { ApiError, DownloadError, InvalidArgumentError, JobTimeoutError, ProtocolError, RateLimitWaitError } from "../base/errors.js";
import { type FakeApi, JOB_ID, VirtualTiming, jobBody, rejection, resultBytes, sendJson, startFakeApi } from "../testing.js";
import { HOSTILE_ACCOUNT, hostileClient } from "../testing/clients.fixture.js";

const SIZE = 256 * 1024;
const SIGNED = "signature=s3cr3t-signature&expires=99";
let servers: FakeApi[];
let dir: string;

beforeEach(() => {
  servers = [];
  dir = mkdtempSync(join(tmpdir(), "impactkit-hostile-"));
});
afterEach(async () => {
  for (const server of servers) await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function server(handler: Parameters<typeof startFakeApi>[0]): Promise<FakeApi> {
  const started = await startFakeApi(handler);
  servers.push(started);
  return started;
}

type Route = (request: IncomingMessage, response: ServerResponse) => void;

/** The partner API: the job is COMPLETED, and Download redirects to `location` unless a route says otherwise. */
async function api(location: string, routes: { job?: Route; download?: Route } = {}): Promise<FakeApi> {
  return server((request, response) => {
    const path = request.url ?? "";
    if (path.includes("/Download"))
      return routes.download ? routes.download(request, response) : (response.writeHead(302, { Location: location }), response.end());
    if (path.includes(`/Jobs/${JOB_ID}`)) return routes.job ? routes.job(request, response) : sendJson(response, 200, jobBody("COMPLETED"));
    sendJson(response, 404, JSON.stringify({ Status: "ERROR", Message: "Not found" }));
  });
}

const fast = { policy: { firstDelayMs: 1, minDelayMs: 1, maxDelayMs: 5, jitter: 0 }, retries: 4 } satisfies JobsOptions;
const jobsOver = (apiServer: FakeApi, options: JobsOptions = {}, clientFetch?: (request: Request) => Promise<Response>) =>
  createJobs(hostileClient(apiServer.url, clientFetch), { ...fast, ...options });
const sha = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
/** Files left in the download folder. */
const left = () => readdirSync(dir);

/** Storage that honours `Range` (RFC 9110 §14.2) for an object that never changes. */
function ranged(body: Buffer): Route {
  return (request, response) => {
    const start = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? "")?.[1] ?? 0);
    const headers = {
      ETag: '"v1"',
      "Content-Length": body.length - start,
      ...(start ? { "Content-Range": `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    };
    response.writeHead(start ? 206 : 200, headers);
    response.end(body.subarray(start));
  };
}

/** Storage that serves `body` once cut after `cutAt` bytes (a dropped connection), then honours Range. */
function cutOnce(body: Buffer, cutAt: number, headers: Record<string, string> = { ETag: '"v1"' }): Route {
  let served = 0;
  return (request, response) => {
    served += 1;
    const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? "");
    if (served === 1) {
      response.writeHead(200, { "Content-Length": body.length, ...headers });
      response.write(body.subarray(0, cutAt), () => response.destroy());
      return;
    }
    if (range) {
      const start = Number(range[1]);
      response.writeHead(206, { "Content-Length": body.length - start, "Content-Range": `bytes ${start}-${body.length - 1}/${body.length}`, ...headers });
      return response.end(body.subarray(start));
    }
    response.writeHead(200, { "Content-Length": body.length, ...headers });
    response.end(body);
  };
}

/**
 * Every guarantee holds on both transports of the bulk transfers (the storage hop and Mode=Stream): the
 * client's own (undici, on Node.js), and the runtime's fetch, which other runtimes use and which a client
 * given a `fetch` of its own and a `storageFetch` use too.
 */
describe.each([
  ["the client's transport (undici)", false],
  ["fetch", true],
] as const)("over %s", (_transport, portable) => {
  const storageFetch = (input: string | URL | Request, init?: RequestInit) => fetch(input, init);
  const jobsAt = (apiServer: FakeApi, options: JobsOptions = {}) =>
    jobsOver(apiServer, { ...(portable ? { storageFetch } : {}), ...options }, portable ? (request) => fetch(request) : undefined);

  describe("data loss never happens", () => {
    it("an exception from onProgress reaches the caller, and no file is published", async () => {
      const storage = await server(
        (_request, response) => (response.writeHead(200, { "Content-Length": SIZE, ETag: '"v1"' }), response.end(resultBytes(SIZE))),
      );
      const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
      const boom = new Error("the progress bar broke");
      let calls = 0;
      const onProgress = () => {
        calls += 1;
        if (calls === 2) throw boom;
      };
      const error = await rejection(jobsAt(apiServer).download(JOB_ID, { to: join(dir, "r.csv"), onProgress }));
      expect(error).toBe(boom);
      expect(left()).toEqual([]);
      expect(storage.seen).toHaveLength(1);
    });

    it("resumes a cut transfer with If-Range, and restarts from byte 0 when the object changed", async () => {
      const v1 = resultBytes(SIZE, 1);
      const v2 = resultBytes(SIZE + 5_000, 2);
      let served = 0;
      const storage = await server((_request, response) => {
        served += 1;
        if (served === 1) {
          response.writeHead(200, { "Content-Length": v1.length, ETag: '"v1"' });
          response.write(v1.subarray(0, 16_384), () => response.destroy());
          return;
        }
        // The object is now v2: an If-Range of v1 does not match, so the whole new object comes (RFC 9110 §13.1.5).
        response.writeHead(200, { "Content-Length": v2.length, ETag: '"v2"' });
        response.end(v2);
      });
      const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
      const result = await jobsAt(apiServer).download(JOB_ID, { to: join(dir, "r.csv") });
      expect(result.bytes).toBe(v2.length);
      expect(sha(readFileSync(join(dir, "r.csv")))).toBe(sha(v2));
      expect(storage.seen[1]!.headers).toMatchObject({ range: "bytes=16384-", "if-range": '"v1"' });
      expect(left()).toEqual(["r.csv"]);
    });

    it("restarts when a server ignores If-Range and answers 206 of a new version", async () => {
      const v1 = resultBytes(SIZE, 1);
      const v2 = resultBytes(SIZE, 2);
      let served = 0;
      const storage = await server((request, response) => {
        served += 1;
        if (served === 1) {
          response.writeHead(200, { "Content-Length": v1.length, ETag: '"v1"' });
          response.write(v1.subarray(0, 10_000), () => response.destroy());
          return;
        }
        const start = Number(/^bytes=(\d+)-$/.exec(request.headers.range ?? "")?.[1] ?? 0);
        response.writeHead(start ? 206 : 200, {
          "Content-Length": v2.length - start,
          ETag: '"v2"',
          ...(start ? { "Content-Range": `bytes ${start}-${v2.length - 1}/${v2.length}` } : {}),
        });
        response.end(v2.subarray(start));
      });
      const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
      await jobsAt(apiServer).download(JOB_ID, { to: join(dir, "r.csv") });
      expect(sha(readFileSync(join(dir, "r.csv")))).toBe(sha(v2));
    });

    it("a stream whose object changed under it fails instead of mixing versions", async () => {
      const v1 = resultBytes(SIZE, 1);
      const v2 = resultBytes(SIZE, 2);
      let served = 0;
      const storage = await server((_request, response) => {
        served += 1;
        const body = served === 1 ? v1 : v2;
        response.writeHead(200, { "Content-Length": body.length, ETag: `"v${served === 1 ? 1 : 2}"` });
        if (served === 1) response.write(body.subarray(0, 20_000), () => response.destroy());
        else response.end(body);
      });
      const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
      const error = await rejection(new Response(jobsAt(apiServer).stream(JOB_ID)).arrayBuffer());
      expect(error).toBeInstanceOf(DownloadError);
      expect((error as Error).message).toMatch(/the stored result changed during the transfer/);
    });

    it("asks storage for identity, and reads a gzip answer whole (restarting it when cut)", async () => {
      const body = Buffer.from(randomBytes(SIZE / 2).toString("hex"));
      const zipped = gzipSync(body);
      let served = 0;
      const storage = await server((_request, response) => {
        served += 1;
        response.writeHead(200, { "Content-Encoding": "gzip", "Content-Length": zipped.length, ETag: '"v1"' });
        if (served === 1) response.write(zipped.subarray(0, 2_000), () => response.destroy());
        else response.end(zipped);
      });
      const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
      const result = await jobsAt(apiServer).download(JOB_ID, { to: join(dir, "r.csv") });
      expect(result.bytes).toBe(body.length);
      expect(sha(readFileSync(join(dir, "r.csv")))).toBe(sha(body));
      expect(storage.seen.map((request) => [request.headers["accept-encoding"], request.headers.range])).toEqual([
        ["identity", undefined],
        ["identity", undefined],
      ]);
    });

    it("the published file has the size the server announced", async () => {
      const body = resultBytes(SIZE);
      const storage = await server(cutOnce(body, 100_000));
      const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
      const result = await jobsAt(apiServer).download(JOB_ID, { to: join(dir, "r.csv") });
      expect(result.bytes).toBe(SIZE);
      expect(sha(readFileSync(join(dir, "r.csv")))).toBe(sha(body));
      expect(storage.seen.map((request) => request.headers.range)).toEqual([undefined, "bytes=100000-"]);
    });
  });

  describe("a strict server", () => {
    it("gets Download's Accept for the result's formats, not the client's application/json (which it would answer 406)", async () => {
      const body = resultBytes(SIZE);
      const apiServer = await api("unused", {
        download: (request, response) => {
          if (request.headers.accept === "application/json") return sendJson(response, 406, JSON.stringify({ Status: "ERROR", Message: "Not Acceptable" }));
          response.writeHead(200, { "Content-Type": "text/csv", "Content-Length": body.length });
          response.end(body);
        },
      });
      const jobs = jobsAt(apiServer);
      const result = await jobs.download(JOB_ID, { to: join(dir, "strict.csv"), mode: "stream" });
      expect(result.bytes).toBe(SIZE);
      expect(sha(readFileSync(join(dir, "strict.csv")))).toBe(sha(body));
      await jobs.get(JOB_ID);
      const accepts = apiServer.seen.map((request) => [request.path.includes("/Download") ? "Download" : "Job", request.headers["accept"]]);
      expect(accepts).toEqual([
        ["Download", "text/csv, application/json, application/xml, application/octet-stream, */*;q=0.1"],
        ["Job", "application/json"],
      ]);
    });
  });

  describe("every wait and transfer is bounded and abortable", () => {
    /** Storage that sends its headers and `first` bytes, then nothing, until the test ends. */
    const stallAfter =
      (first: number): Route =>
      (_request, response) => {
        response.writeHead(200, { "Content-Length": SIZE, ETag: '"v1"' });
        response.write(resultBytes(SIZE).subarray(0, first));
      };

    it("a body that stalls after its headers is given up after idleTimeoutMs and resumed", async () => {
      let served = 0;
      const body = resultBytes(SIZE);
      const storage = await server((request, response) => {
        served += 1;
        if (served === 1) return stallAfter(4_096)(request, response);
        ranged(body)(request, response);
      });
      const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
      await jobsAt(apiServer, { idleTimeoutMs: 50 }).download(JOB_ID, { to: join(dir, "r.csv") });
      expect(sha(readFileSync(join(dir, "r.csv")))).toBe(sha(body));
      expect(storage.seen[1]!.headers.range).toBe("bytes=4096-");
    });

    it("a resumed body that stalls after its last byte is complete: no request for a range past the end", async () => {
      const body = resultBytes(SIZE);
      const storage = await server((request, response) => {
        if (!request.headers.range) return stallAfter(4_096)(request, response);
        // The rest, chunked (no Content-Length), its last chunk sent but not the end of the body.
        response.writeHead(206, { ETag: '"v1"', "Content-Range": `bytes 4096-${SIZE - 1}/${SIZE}` });
        response.write(body.subarray(4_096));
      });
      const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
      const result = await jobsAt(apiServer, { idleTimeoutMs: 50 }).download(JOB_ID, { to: join(dir, "r.csv") });
      expect(result.bytes).toBe(SIZE);
      expect(sha(readFileSync(join(dir, "r.csv")))).toBe(sha(body));
      expect(storage.seen.map((request) => request.headers.range)).toEqual([undefined, "bytes=4096-"]);
    });

    it("a body of no announced length that stalls after its last byte ends with a 416 saying it is that long", async () => {
      const body = resultBytes(SIZE);
      const storage = await server((request, response) => {
        if (request.headers.range === `bytes=${SIZE}-`) {
          response.writeHead(416, { "Content-Range": `bytes */${SIZE}` });
          return response.end();
        }
        response.writeHead(200, { ETag: '"v1"' });
        response.write(body);
      });
      const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
      const result = await jobsAt(apiServer, { idleTimeoutMs: 50 }).download(JOB_ID, { to: join(dir, "r.csv") });
      expect(result.bytes).toBe(SIZE);
      expect(sha(readFileSync(join(dir, "r.csv")))).toBe(sha(body));
      expect(storage.seen.map((request) => request.headers.range)).toEqual([undefined, `bytes=${SIZE}-`]);
    });

    it.each(["download", "stream", "records"] as const)("an abort during a stalled body stops %s at once and leaves no file", async (operation) => {
      const storage = await server(stallAfter(4_096));
      const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`);
      const controller = new AbortController();
      const jobs = jobsAt(apiServer, { idleTimeoutMs: 3_600_000 });
      const running =
        operation === "download"
          ? jobs.download(JOB_ID, { to: join(dir, "r.csv"), signal: controller.signal, onProgress: () => controller.abort() })
          : operation === "stream"
            ? new Response(jobs.stream(JOB_ID, { signal: controller.signal, onProgress: () => controller.abort() })).arrayBuffer()
            : (async () => {
                for await (const row of jobs.records(JOB_ID, { signal: controller.signal, onProgress: () => controller.abort() })) expect(row).toBeDefined();
              })();
      await expect(running).rejects.toMatchObject({ name: "AbortError" });
      expect(left()).toEqual([]);
    });

    it("Mode=Stream: a body that stalls after its headers is given up and read again", async () => {
      const body = resultBytes(SIZE);
      let served = 0;
      const apiServer = await api("unused", {
        download: (request, response) => {
          served += 1;
          expect(request.url).toContain("Mode=Stream");
          response.writeHead(200, { "Content-Type": "text/csv", "Content-Length": body.length });
          if (served === 1) response.write(body.subarray(0, 1_000));
          else response.end(body);
        },
      });
      await jobsAt(apiServer, { idleTimeoutMs: 50 }).download(JOB_ID, { to: join(dir, "r.csv"), mode: "stream" });
      expect(sha(readFileSync(join(dir, "r.csv")))).toBe(sha(body));
    });

    it("a Download that answers 202 forever while the job says COMPLETED ends at one deadline", async () => {
      const apiServer = await api("unused", { download: (_request, response) => sendJson(response, 202, jobBody("COMPLETED")) });
      const error = await rejection(jobsAt(apiServer).download(JOB_ID, { to: join(dir, "r.csv"), wait: { timeoutMs: 300 } }));
      expect(error).toBeInstanceOf(JobTimeoutError);
      expect((error as Error).message).toMatch(/did not finish within 300 ms; the job is COMPLETED but Download still answered 202$/);
      expect(left()).toEqual([]);
    });

    it("leaving a watch loop stops its polling", async () => {
      const apiServer = await api("unused", {
        job: (_request, response) => sendJson(response, 200, jobBody("RUNNING", { PercentageComplete: String(Math.random()) })),
      });
      const timing = new VirtualTiming();
      const jobs = jobsAt(apiServer, { timing });
      const watch = jobs.watch(JOB_ID);
      const first = watch.next();
      await timing.step();
      await expect(first).resolves.toMatchObject({ done: false, value: { Status: "RUNNING" } });
      await watch.return(undefined);
      await timing.settle();
      expect(timing.pending).toBe(0);
    });

    it("refuses a resume token whose times are far in the future, before any request", async () => {
      const apiServer = await api("unused");
      const jobs = jobsAt(apiServer);
      const token = Buffer.from(
        JSON.stringify({
          v: 1,
          api: "partner",
          apiVersion: "15",
          accountSid: HOSTILE_ACCOUNT.accountSid,
          jobId: JOB_ID,
          attempt: 2,
          nextAt: Date.now() + 1e12,
          deadline: Date.now() + 2e12,
        }),
      ).toString("base64url");
      await expect(jobs.resume(token)).rejects.toThrow(InvalidArgumentError);
      await expect(jobs.resume(token)).rejects.toThrow(/more than 7 days ahead/);
      expect(apiServer.seen).toEqual([]);
    });

    it("says why it waits for the rate limit, names it in the timeout, and caps the wait when asked", async () => {
      const reset = { "X-RateLimit-Limit-hour": "1000", "X-RateLimit-Remaining-hour": "0", "RateLimit-Reset": "3600" };
      const apiServer = await api("unused", { job: (_request, response) => sendJson(response, 200, jobBody("RUNNING"), reset) });
      const capped = jobsAt(apiServer, { maxRateLimitWaitMs: 60_000 });
      await capped.get(JOB_ID);
      await expect(capped.get(JOB_ID)).rejects.toBeInstanceOf(RateLimitWaitError);
      await expect(capped.get(JOB_ID)).rejects.toThrow(/would wait 3600 s for the hourly rate limit to reset at .*, more than maxRateLimitWaitMs/);
      const warnings: string[] = [];
      const timing = new VirtualTiming();
      const patient = jobsAt(apiServer, { timing, logger: { warn: (message) => warnings.push(message) } });
      await patient.get(JOB_ID);
      const waiting = rejection(patient.wait(JOB_ID, { timeoutMs: 600_000 }));
      for (let step = 0; step < 50 && timing.pending > 0; step += 1) await timing.step();
      const error = (await waiting) as JobTimeoutError;
      expect(warnings).toContainEqual(
        expect.stringMatching(/^GET \/Jobs\/[0-9a-f-]+: 0 of 1000 requests left until \d{4}-.*; spacing requests out to stay within the hourly budget$/),
      );
      expect(warnings).toContainEqual(expect.stringMatching(/^GET \/Jobs\/[0-9a-f-]+: waiting 3600 s for the hourly rate limit to reset at \d{4}-/));
      expect(error).toBeInstanceOf(JobTimeoutError);
      expect(error.message).toMatch(/; waiting for the hourly rate limit to reset at \d{4}-/);
    });

    it.each([["null"], ["[]"], ["{}"], ['"COMPLETED"']])("a 200 whose body is %s is retried like malformed JSON", async (bad) => {
      let served = 0;
      const apiServer = await api("unused", { job: (_request, response) => sendJson(response, 200, (served += 1) === 1 ? bad : jobBody("COMPLETED")) });
      await expect(jobsAt(apiServer).wait(JOB_ID)).resolves.toMatchObject({ Status: "COMPLETED" });
      expect(served).toBe(2);
    });

    it("a lowercase status is the documented one", async () => {
      const apiServer = await api("unused", { job: (_request, response) => sendJson(response, 200, jobBody("completed")) });
      await expect(jobsAt(apiServer).wait(JOB_ID)).resolves.toMatchObject({ Status: "COMPLETED" });
    });
  });

  describe("credentials and headers stay where they belong", () => {
    it("an API redirect to another origin is refused: no header reaches it and its body is not the job", async () => {
      const elsewhere = await server((_request, response) => sendJson(response, 200, jobBody("COMPLETED")));
      for (const status of [301, 302, 307, 308]) {
        const apiServer = await api("unused", {
          job: (_request, response) => (response.writeHead(status, { Location: `${elsewhere.url}/steal` }), response.end()),
        });
        const error = await rejection(jobsAt(apiServer).get(JOB_ID));
        expect(error).toBeInstanceOf(ProtocolError);
        expect((error as Error).message).toMatch(
          new RegExp(`answered HTTP ${status} to http://127\\.0\\.0\\.1:\\d+/steal; the Jobs API redirects only Download`),
        );
        expect(apiServer.seen).toHaveLength(1);
      }
      expect(elsewhere.seen).toEqual([]);
    });

    it("the raw flavor client returns a redirect instead of following it", async () => {
      const elsewhere = await server((_request, response) => sendJson(response, 200, jobBody("COMPLETED")));
      const apiServer = await api("unused", { job: (_request, response) => (response.writeHead(307, { Location: `${elsewhere.url}/steal` }), response.end()) });
      const { response } = await hostileClient(apiServer.url).GET("/Jobs/{JobId}", { params: { path: { JobId: JOB_ID } } });
      expect(response.status).toBe(307);
      expect(elsewhere.seen).toEqual([]);
    });

    it.each([
      [
        "a cleartext URL off loopback",
        `http://storage.example.invalid/r.csv?${SIGNED}`,
        /refused to fetch the result from http:\/\/storage\.example\.invalid\/r\.csv\?\[redacted\]: a cleartext http URL/,
      ],
      ["a data: URL", "data:text/csv,Id%0A1", /refused to fetch the result from a data: URL/],
      ["a file: URL", "file:///etc/passwd", /refused to fetch the result from a file: URL/],
    ])("a Download redirect to %s is refused, not retried", async (_name, location, message) => {
      const apiServer = await api(location);
      const error = await rejection(jobsAt(apiServer).download(JOB_ID, { to: join(dir, "r.csv") }));
      expect(error).toBeInstanceOf(ProtocolError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain("s3cr3t");
      expect(apiServer.seen.filter((request) => request.path.includes("/Download"))).toHaveLength(1);
      expect(left()).toEqual([]);
    });

    it("a storage redirect is followed by hand, checked like the first hop, with no API header", async () => {
      const body = resultBytes(SIZE);
      const final = await server((_request, response) => (response.writeHead(200, { "Content-Length": body.length, ETag: '"v1"' }), response.end(body)));
      const hop = await server((request, response) =>
        request.url?.startsWith("/data")
          ? (response.writeHead(302, { Location: "data:text/csv,evil" }), response.end())
          : (response.writeHead(307, { Location: `${final.url}/r.csv?${SIGNED}` }), response.end()),
      );
      await jobsAt(await api(`${hop.url}/r.csv?${SIGNED}`)).download(JOB_ID, { to: join(dir, "r.csv") });
      expect(sha(readFileSync(join(dir, "r.csv")))).toBe(sha(body));
      for (const request of [...hop.seen, ...final.seen]) {
        expect(request.headers.authorization).toBeUndefined();
        expect(request.headers["x-custom-secret"]).toBeUndefined();
        expect(request.headers["ir-version"]).toBeUndefined();
      }
      const error = await rejection(jobsAt(await api(`${hop.url}/data`)).download(JOB_ID, { to: join(dir, "x.csv") }));
      expect(error).toBeInstanceOf(ProtocolError);
      expect(left()).toEqual(["r.csv"]);
    });

    it("errors carry neither a signed URL's query nor a Basic credential a server echoes", async () => {
      const storage = await server((_request, response) => (response.writeHead(404, { "Content-Type": "text/plain" }), response.end("gone")));
      const echo = (request: IncomingMessage, response: ServerResponse) =>
        sendJson(
          response,
          400,
          JSON.stringify({
            Status: "ERROR",
            Message: `bad request ${request.headers.authorization} for ${storage.url}/r.csv?${SIGNED}`,
            Errors: [{ Field: "auth", Message: `${request.headers.authorization}` }],
          }),
          { "X-Request-Id": "req-42" },
        );
      const apiServer = await api(`${storage.url}/r.csv?${SIGNED}`, { job: echo });
      const apiError = (await rejection(jobsAt(apiServer).get(JOB_ID))) as ApiError;
      expect(apiError).toBeInstanceOf(ApiError);
      expect(apiError).toMatchObject({ status: 400, requestId: "req-42" });
      expect(apiError.headers["x-request-id"]).toBe("req-42");
      const downloadError = await rejection(jobsAt(apiServer).download(JOB_ID, { to: join(dir, "r.csv") }));
      expect(downloadError).toBeInstanceOf(DownloadError);
      const basic = Buffer.from(`${HOSTILE_ACCOUNT.accountSid}:${HOSTILE_ACCOUNT.authToken}`).toString("base64");
      for (const error of [apiError, downloadError]) {
        const shown = `${(error as Error).message}\n${inspect(error, { depth: 6 })}\n${JSON.stringify(error)}`;
        expect(shown).not.toContain(basic);
        expect(shown).not.toContain("s3cr3t");
      }
      expect(apiError.message).toContain("Basic [redacted]");
    });
  });
});

describe("bad options are refused before any request", () => {
  it.each([
    ["requestTimeoutMs", 0],
    ["idleTimeoutMs", 0],
    ["timeoutMs", -1],
    ["retries", 1.5],
    ["maxRateLimitWaitMs", Number.NaN],
  ] as const)("%s: %s", async (name, value) => {
    const apiServer = await api("unused");
    expect(() => jobsOver(apiServer, { [name]: value })).toThrow(InvalidArgumentError);
    expect(apiServer.seen).toEqual([]);
  });
});
