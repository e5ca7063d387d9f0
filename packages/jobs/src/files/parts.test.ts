import { createHash } from "node:crypto";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { JobsOptions } from "../impact/context.js";
import { createJobs } from "../api/create-jobs.js";
import { missingParts, PART_BYTES, withRange } from "./parts.js";
import { downloadTempPath } from "./download.js";
import { DownloadError, InvalidArgumentError, JobAbortedError, ProtocolError } from "../base/errors.js";
import { type FakeApi, JOB_ID, jobBody, rejection, resultBytes, sendJson, startFakeApi } from "../testing.js";
import { hostileClient } from "../testing/clients.fixture.js";

const MiB = 1 << 20;
const SIGNED = "X-Signature=s3cr3t-signature&X-Expires=99";
let servers: FakeApi[];
let dir: string;

beforeEach(() => {
  servers = [];
  dir = mkdtempSync(join(tmpdir(), "impactkit-parts-"));
});
afterEach(async () => {
  for (const server of servers) await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const sha = (data: Uint8Array) => createHash("sha256").update(data).digest("hex");
const left = () => readdirSync(dir).sort();

interface Version {
  etag: string;
  body: Buffer;
}

interface Storage {
  server: FakeApi;
  /** The Range each request asked for (`undefined`: the whole object), in order. */
  ranges(): Array<string | undefined>;
  /** The most requests it was answering at once. */
  peak(): number;
}

/**
 * Storage as S3 serves a signed URL: `Accept-Ranges: bytes`, a strong ETag, `Range` with `If-Range` (a 206 of
 * the asked bytes, or the whole current version when `If-Range` names another), bodies sent a slice at a time
 * so that parts overlap. `answer` may take a request over (a fault) by answering it and returning true.
 */
async function storage(current: () => Version, answer?: (request: IncomingMessage, response: ServerResponse, index: number) => boolean): Promise<Storage> {
  let active = 0;
  let peak = 0;
  let index = 0;
  const server = await startFakeApi((request, response) => {
    index += 1;
    if (answer?.(request, response, index)) return;
    const { etag, body } = current();
    const range = /^bytes=(\d+)-(\d*)$/.exec(request.headers.range ?? "");
    const partial = range && (request.headers["if-range"] === undefined || request.headers["if-range"] === etag);
    const start = partial ? Number(range[1]) : 0;
    const end = partial && range[2] ? Number(range[2]) + 1 : body.length;
    response.writeHead(partial ? 206 : 200, {
      "Accept-Ranges": "bytes",
      ETag: etag,
      "Content-Length": end - start,
      ...(partial ? { "Content-Range": `bytes ${start}-${end - 1}/${body.length}` } : {}),
    });
    active += 1;
    peak = Math.max(peak, active);
    response.once("close", () => (active -= 1));
    let at = start;
    const pump = () => {
      while (at < end) {
        const next = Math.min(end, at + 256 * 1024);
        const more = response.write(body.subarray(at, next));
        at = next;
        if (!more) return void response.once("drain", pump);
        return void setImmediate(pump);
      }
      response.end();
    };
    pump();
  });
  servers.push(server);
  return { server, ranges: () => server.seen.map((request) => request.headers.range), peak: () => peak };
}

/** The partner API: the job is COMPLETED, and each Download redirects to `location()`. */
async function api(location: () => string): Promise<FakeApi> {
  const server = await startFakeApi((request, response) => {
    if (request.url?.includes("/Download")) return void (response.writeHead(302, { Location: location() }), response.end());
    sendJson(response, 200, jobBody("COMPLETED"));
  });
  servers.push(server);
  return server;
}

const fast = { policy: { firstDelayMs: 1, minDelayMs: 1, maxDelayMs: 5, jitter: 0 } } satisfies JobsOptions;
const jobsOver = (apiServer: FakeApi, options: JobsOptions = {}) => createJobs(hostileClient(apiServer.url), { ...fast, ...options });
const downloads = (apiServer: FakeApi) => apiServer.seen.filter((request) => request.path.includes("/Download")).length;

describe("parts of a byte range", () => {
  it("are what is missing, cut into parts of at most the part size", () => {
    expect(missingParts([], 20, 8)).toEqual([
      [0, 8],
      [8, 16],
      [16, 20],
    ]);
    expect(
      missingParts(
        [
          [0, 8],
          [16, 20],
        ],
        20,
        8,
      ),
    ).toEqual([[8, 16]]);
    expect(missingParts([[3, 5]], 12, 8)).toEqual([
      [0, 3],
      [5, 12],
    ]);
    expect(missingParts([[0, 20]], 20, 8)).toEqual([]);
  });

  it("merge into sorted, disjoint ranges as they complete", () => {
    expect(withRange(withRange(withRange([], [8, 16]), [0, 8]), [20, 24])).toEqual([
      [0, 16],
      [20, 24],
    ]);
  });
});

describe("download() in parts over several connections", () => {
  const v1: Version = { etag: '"v1"', body: resultBytes(40 * MiB, 1) };

  it("fetches a large ranged result in parts at once, each where it belongs: the file is the object, byte for byte", async () => {
    const store = await storage(() => v1);
    const apiServer = await api(() => `${store.server.url}/r.csv?${SIGNED}`);
    const progress: number[] = [];
    const result = await jobsOver(apiServer, { connections: 4 }).download(JOB_ID, { to: join(dir, "r.csv"), onProgress: (bytes) => progress.push(bytes) });
    expect(result.bytes).toBe(v1.body.length);
    expect(sha(readFileSync(join(dir, "r.csv")))).toBe(sha(v1.body));
    const ranges = store.ranges();
    expect(ranges[0]).toBeUndefined();
    expect(ranges.slice(1).sort()).toEqual(
      missingParts([[0, PART_BYTES]], v1.body.length)
        .map(([start, end]) => `bytes=${start}-${end - 1}`)
        .sort(),
    );
    expect(
      store.server.seen
        .slice(1)
        .every(
          (request) =>
            request.headers["if-range"] === '"v1"' && request.headers["accept-encoding"] === "identity" && request.headers.authorization === undefined,
        ),
    ).toBe(true);
    expect(store.peak()).toBeGreaterThanOrEqual(2);
    expect(store.peak()).toBeLessThanOrEqual(4);
    expect(progress.at(-1)).toBe(v1.body.length);
    expect(progress.every((bytes, index) => index === 0 || bytes > progress[index - 1]!)).toBe(true);
    expect(left()).toEqual(["r.csv"]);
  });

  it.each<[string, JobsOptions, () => Version]>([
    ["connections: 1", { connections: 1 }, () => v1],
    ["a result under 16 MiB", {}, () => ({ etag: '"small"', body: resultBytes(12 * MiB) })],
    ["no strong ETag", {}, () => ({ etag: 'W/"weak"', body: v1.body })],
  ])("reads one stream with %s", async (_case, options, version) => {
    const store = await storage(version);
    const apiServer = await api(() => `${store.server.url}/r.csv?${SIGNED}`);
    await jobsOver(apiServer, options).download(JOB_ID, { to: join(dir, "r.csv") });
    expect(sha(readFileSync(join(dir, "r.csv")))).toBe(sha(version().body));
    expect(store.ranges()).toEqual([undefined]);
  });

  it("takes connections per download too, checked before any request", async () => {
    const store = await storage(() => v1);
    const apiServer = await api(() => `${store.server.url}/r.csv?${SIGNED}`);
    const jobs = jobsOver(apiServer, { connections: 4 });
    await jobs.download(JOB_ID, { to: join(dir, "r.csv"), connections: 1 });
    expect(store.ranges()).toEqual([undefined]);
    const refused = await rejection(jobs.download(JOB_ID, { to: join(dir, "s.csv"), connections: 33 }));
    expect(refused).toBeInstanceOf(InvalidArgumentError);
    expect((refused as Error).message).toBe("connections must be a whole number from 1 to 32, got 33");
    expect(store.server.seen).toHaveLength(1);
    expect(downloads(apiServer)).toBe(1);
  });

  it("starts over when the object changes under the parts, and never mixes versions", async () => {
    const v2: Version = { etag: '"v2"', body: resultBytes(40 * MiB + 1234, 2) };
    let version = v1;
    const store = await storage(
      () => version,
      (_request, _response, index) => {
        if (index === 3) version = v2;
        return false;
      },
    );
    const apiServer = await api(() => `${store.server.url}/r.csv?${SIGNED}`);
    const result = await jobsOver(apiServer, { connections: 4 }).download(JOB_ID, { to: join(dir, "r.csv") });
    expect(result.bytes).toBe(v2.body.length);
    expect(sha(readFileSync(join(dir, "r.csv")))).toBe(sha(v2.body));
    expect(left()).toEqual(["r.csv"]);
  });

  it("resumes a part cut short from its last byte, and asks the API once for every part that met an expired URL", async () => {
    const cut = new Set<number>();
    const store = await storage(
      () => v1,
      (request, response, index) => {
        const start = Number(/^bytes=(\d+)-/.exec(request.headers.range ?? "")?.[1] ?? -1);
        if (start === 2 * PART_BYTES && !cut.has(start)) {
          cut.add(start);
          response.writeHead(206, {
            "Accept-Ranges": "bytes",
            ETag: '"v1"',
            "Content-Length": PART_BYTES,
            "Content-Range": `bytes ${start}-${start + PART_BYTES - 1}/${v1.body.length}`,
          });
          response.write(v1.body.subarray(start, start + 1000), () => response.destroy());
          return true;
        }
        if (request.url?.includes("expired") && index > 1) {
          response.writeHead(403, { "Content-Length": 0 });
          response.end();
          return true;
        }
        return false;
      },
    );
    let location = `${store.server.url}/expired.csv?${SIGNED}`;
    const apiServer = await api(() => {
      const handed = location;
      location = `${store.server.url}/fresh.csv?${SIGNED}`;
      return handed;
    });
    await jobsOver(apiServer, { connections: 4 }).download(JOB_ID, { to: join(dir, "r.csv") });
    expect(sha(readFileSync(join(dir, "r.csv")))).toBe(sha(v1.body));
    expect(store.ranges()).toContain(`bytes=${2 * PART_BYTES + 1000}-${3 * PART_BYTES - 1}`);
    expect(downloads(apiServer)).toBe(2);
  });

  it("keeps the parts an aborted download finished, and the next one asks only for the others", async () => {
    const store = await storage(() => v1);
    const apiServer = await api(() => `${store.server.url}/r.csv?${SIGNED}`);
    const controller = new AbortController();
    const target = join(dir, "r.csv");
    const first = jobsOver(apiServer, { connections: 2 }).download(JOB_ID, {
      to: target,
      resume: true,
      signal: controller.signal,
      onProgress: (bytes) => bytes > 2.5 * PART_BYTES && controller.abort(new Error("stopped")),
    });
    expect(await rejection(first)).toBeInstanceOf(JobAbortedError);
    const [temp, checkpoint] = left().filter((name) => name.endsWith(".part") || name.endsWith(".part.json"));
    expect([temp, checkpoint].every(Boolean)).toBe(true);
    const saved = JSON.parse(readFileSync(join(dir, checkpoint!), "utf8")) as { ranges?: Array<[number, number]>; bytes?: number; validator: string };
    const kept = saved.ranges ?? [[0, saved.bytes!]];
    expect(saved.validator).toBe('"v1"');
    store.server.seen.length = 0;
    await jobsOver(apiServer, { connections: 4 }).download(JOB_ID, { to: target, resume: true });
    expect(sha(readFileSync(target))).toBe(sha(v1.body));
    const asked = store.ranges().map((range) => range?.replace("bytes=", "").split("-").map(Number));
    for (const [start] of asked as Array<[number, number]>) expect(kept.some(([from, to]) => start >= from && start < to)).toBe(false);
    expect(left()).toEqual(["r.csv"]);
  });

  it("fails at once on a part storage cannot frame, naming the host, and leaves no file", async () => {
    const store = await storage(
      () => v1,
      (request, response) => {
        if (!request.headers.range?.startsWith(`bytes=${PART_BYTES}-`)) return false;
        // A chunked body whose second chunk size is no number.
        response.socket!.end(
          `HTTP/1.1 206 Partial Content\r\nETag: "v1"\r\nContent-Range: bytes ${PART_BYTES}-${2 * PART_BYTES - 1}/${v1.body.length}\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\n`,
        );
        return true;
      },
    );
    const apiServer = await api(() => `${store.server.url}/r.csv?${SIGNED}`);
    const error = await rejection(jobsOver(apiServer, { connections: 4 }).download(JOB_ID, { to: join(dir, "r.csv") }));
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as Error).message).toMatch(
      new RegExp(`^Downloading job ${JOB_ID} failed: 127\\.0\\.0\\.1:\\d+ sent a malformed HTTP response: .*chunk size`),
    );
    expect((error as Error).message).not.toContain("s3cr3t");
    expect(left()).toEqual([]);
  });

  it("stops every connection when aborted, and leaves no file", async () => {
    const store = await storage(() => v1);
    const apiServer = await api(() => `${store.server.url}/r.csv?${SIGNED}`);
    const controller = new AbortController();
    const download = jobsOver(apiServer, { connections: 4 }).download(JOB_ID, {
      to: join(dir, "r.csv"),
      signal: controller.signal,
      onProgress: (bytes) => bytes > 12 * MiB && controller.abort(new Error("stop")),
    });
    expect(await rejection(download)).toBeInstanceOf(JobAbortedError);
    expect(left()).toEqual([]);
  });
});

describe("two downloads of one job to one path at once (a queue step run twice)", () => {
  const body = resultBytes(3 * MiB);

  it("with overwrite both succeed: one complete file, no temporary file left", async () => {
    const store = await storage(() => ({ etag: '"v1"', body }));
    const apiServer = await api(() => `${store.server.url}/r.csv?${SIGNED}`);
    const jobs = jobsOver(apiServer);
    const target = join(dir, "r.csv");
    const results = await Promise.all([
      jobs.download(JOB_ID, { to: target, overwrite: true, resume: true }),
      jobs.download(JOB_ID, { to: target, overwrite: true, resume: true }),
    ]);
    expect(results.map((result) => result.bytes)).toEqual([body.length, body.length]);
    expect(sha(readFileSync(target))).toBe(sha(body));
    expect(left()).toEqual(["r.csv"]);
  });

  it("a download that wrote its own file removes, once done, what a process killed meanwhile left of the shared one", async () => {
    const store = await storage(() => ({ etag: '"v1"', body }));
    const apiServer = await api(() => `${store.server.url}/r.csv?${SIGNED}`);
    const target = join(dir, "r.csv");
    // Another worker of this machine holds the shared temporary file, and is killed while this download runs.
    const other = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
    const temp = downloadTempPath(target, JOB_ID);
    writeFileSync(temp, "half a result");
    writeFileSync(`${temp}.owner`, `${hostname()} ${other.pid}`);
    const killed = new Promise((resolve) => other.once("exit", resolve));
    let once = false;
    const result = await jobsOver(apiServer).download(JOB_ID, {
      to: target,
      overwrite: true,
      resume: true,
      onProgress: async () => {
        if (once) return;
        once = true;
        other.kill("SIGKILL");
        await killed;
      },
    });
    expect(result.bytes).toBe(body.length);
    expect(sha(readFileSync(target))).toBe(sha(body));
    expect(left()).toEqual(["r.csv"]);
  });

  it("takes over the shared file of a process killed as it created its owner file (empty), and leaves nothing", async () => {
    const store = await storage(() => ({ etag: '"v1"', body }));
    const apiServer = await api(() => `${store.server.url}/r.csv?${SIGNED}`);
    const target = join(dir, "r.csv");
    const temp = downloadTempPath(target, JOB_ID);
    writeFileSync(`${temp}.owner`, "");
    await jobsOver(apiServer).download(JOB_ID, { to: target, overwrite: true, resume: true });
    expect(sha(readFileSync(target))).toBe(sha(body));
    expect(left()).toEqual(["r.csv"]);
  });

  it("leaves the shared file of a process still alive", async () => {
    const store = await storage(() => ({ etag: '"v1"', body }));
    const apiServer = await api(() => `${store.server.url}/r.csv?${SIGNED}`);
    const target = join(dir, "r.csv");
    const temp = downloadTempPath(target, JOB_ID);
    writeFileSync(temp, "half a result");
    writeFileSync(`${temp}.owner`, `${hostname()} ${process.ppid}`);
    await jobsOver(apiServer).download(JOB_ID, { to: target, overwrite: true, resume: true });
    expect(left()).toEqual([`.impactkit-${temp.split(".impactkit-")[1]}`, `.impactkit-${temp.split(".impactkit-")[1]}.owner`, "r.csv"].sort());
  });

  it("without overwrite one wins and the other is told the file appeared", async () => {
    const store = await storage(() => ({ etag: '"v1"', body }));
    const apiServer = await api(() => `${store.server.url}/r.csv?${SIGNED}`);
    const jobs = jobsOver(apiServer);
    const target = join(dir, "r.csv");
    const outcomes = await Promise.allSettled([jobs.download(JOB_ID, { to: target }), jobs.download(JOB_ID, { to: target })]);
    const refused = outcomes.filter((outcome): outcome is PromiseRejectedResult => outcome.status === "rejected");
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.reason).toBeInstanceOf(InvalidArgumentError);
    expect((refused[0]!.reason as Error).message).toBe(`${target} appeared during the download; pass overwrite: true to replace it`);
    expect(sha(readFileSync(target))).toBe(sha(body));
    expect(left()).toEqual(["r.csv"]);
  });
});

describe("failures that name their cause", () => {
  it("storage that refuses connections is retried, then fails naming its host", async () => {
    const gone = await startFakeApi(() => undefined);
    const port = new URL(gone.url).port;
    await gone.close();
    const apiServer = await api(() => `http://127.0.0.1:${port}/r.csv?${SIGNED}`);
    const error = await rejection(jobsOver(apiServer).download(JOB_ID, { to: join(dir, "r.csv"), maxAttempts: 1 }));
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toBe(
      `Downloading job ${JOB_ID} failed 2 times; last: cannot reach 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
  });
});
