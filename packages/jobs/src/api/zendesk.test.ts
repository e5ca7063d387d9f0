import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { ApiError, InvalidArgumentError, JobsError, JobTimeoutError } from "../base/errors.js";
import type { Checkpoint } from "../engine/poll-engine.js";
import { systemTiming, type Timing } from "../base/timing.js";
import type { Logger } from "../base/logger.js";
import { createZendeskJobs, ZendeskJobFailedError, type ZendeskJobStatus } from "./zendesk.js";
import { VirtualTiming, rejection } from "../testing.js";

const AUTHORIZATION = "Basic YWdlbnRAZXhhbXBsZS5jb20vdG9rZW46c2VjcmV0";

/** A fast policy for tests on real time. */
const FAST = { firstDelayMs: 1, minDelayMs: 1, maxDelayMs: 5, jitter: 0 };

/** Real time, but transport retries back off 0 ms (random() is 0). */
const realTiming: Timing = { ...systemTiming, random: () => 0 };

/** One scripted answer: a job status (HTTP 200), an HTTP error, or no answer at all. */
/** `until`: the answer is held back until this promise resolves. */
type Step = { job: Omit<ZendeskJobStatus, "id">; until?: Promise<void> } | { http: number; body?: unknown } | { hang: true };

interface Recorded {
  id: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** `clock()` when the request arrived. */
  at: number;
  /** The client went away before the answer was sent. */
  aborted: boolean;
}

/**
 * A real Zendesk job-status endpoint on 127.0.0.1: each job id answers its scripted steps in turn (the
 * last one repeats); every request is recorded.
 */
class JobServer {
  readonly requests: Recorded[] = [];
  readonly url: string;
  clock: () => number = () => Date.now();
  readonly #server: Server;
  readonly #scripts = new Map<string, Step[]>();
  readonly #served = new Map<string, number>();

  private constructor(server: Server) {
    this.#server = server;
    this.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  static async start(): Promise<JobServer> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const jobServer = new JobServer(server);
    server.on("request", (request, response) => {
      const path = request.url ?? "";
      const id = decodeURIComponent(/^\/api\/v2\/job_statuses\/([^/?]+)$/.exec(path)?.[1] ?? "");
      const record: Recorded = { id, path, headers: request.headers, at: jobServer.clock(), aborted: false };
      jobServer.requests.push(record);
      response.on("close", () => {
        if (!response.writableEnded) record.aborted = true;
      });
      const steps = jobServer.#scripts.get(id);
      const index = jobServer.#served.get(id) ?? 0;
      jobServer.#served.set(id, index + 1);
      const step = steps?.[Math.min(index, steps.length - 1)];
      const json = (status: number, body: unknown) => {
        response.writeHead(status, { "Content-Type": "application/json; charset=utf-8" });
        response.end(JSON.stringify(body));
      };
      if (!step) return json(404, { error: "RecordNotFound", description: "Not found" });
      if ("hang" in step) return;
      if ("http" in step) return json(step.http, step.body ?? { error: `HTTP ${step.http}` });
      const answer = () => json(200, { job_status: { id, url: `${jobServer.url}/api/v2/job_statuses/${id}.json`, ...step.job } });
      if (step.until) void step.until.then(answer);
      else answer();
    });
    servers.push(jobServer);
    return jobServer;
  }

  script(id: string, steps: Step[]): void {
    this.#scripts.set(id, steps);
  }

  count(id?: string): number {
    return id === undefined ? this.requests.length : this.requests.filter((request) => request.id === id).length;
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

const servers: JobServer[] = [];

afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

/** A logger that collects its calls. */
function spyLogger(): Logger & { calls: Array<{ message: string; details: Record<string, unknown> | undefined }> } {
  const calls: Array<{ message: string; details: Record<string, unknown> | undefined }> = [];
  return { calls, warn: (message, details) => void calls.push({ message, details }) };
}

/** Waits (real time, bounded) until `condition` holds; real HTTP round-trips can outlast VirtualTiming.settle. */
async function until(condition: () => boolean, what: string): Promise<void> {
  for (let tries = 0; tries < 1_000; tries += 1) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const queued = (progress: number | null, total: number | null): Step => ({
  job: { job_type: "Bulk Update Tickets", status: "queued", progress, total, message: null, results: null },
});
const working = (progress: number, total: number): Step => ({
  job: { job_type: "Bulk Update Tickets", status: "working", progress, total, message: null, results: null },
});
const completed = (total: number): Step => ({
  job: {
    job_type: "Bulk Update Tickets",
    status: "completed",
    progress: total,
    total,
    message: "Completed at 2024-05-01 10:00:00 +0000",
    results: [{ id: 101, index: 0, action: "update", success: true, status: "Updated" }],
  },
});

describe("createZendeskJobs against a real HTTP server", () => {
  it("waits through queued and working to completed, reporting each change of progress once and sending the credentials", async () => {
    const server = await JobServer.start();
    server.script("abc123", [queued(0, 10), queued(0, 10), working(3, 10), working(3, 10), working(7, 10), completed(10)]);
    const jobs = createZendeskJobs({ baseUrl: `${server.url}/`, authorization: AUTHORIZATION, policy: FAST, timing: realTiming });
    const seen: Array<[string | undefined, number | null | undefined]> = [];

    const job = await jobs.wait("abc123", { onProgress: (status) => seen.push([status.status, status.progress]) });

    expect(job).toEqual({
      id: "abc123",
      url: `${server.url}/api/v2/job_statuses/abc123.json`,
      job_type: "Bulk Update Tickets",
      status: "completed",
      progress: 10,
      total: 10,
      message: "Completed at 2024-05-01 10:00:00 +0000",
      results: [{ id: 101, index: 0, action: "update", success: true, status: "Updated" }],
    });
    expect(seen.map(([, progress]) => progress)).toEqual([0, 3, 7, 10]);
    expect(seen).toEqual([
      ["queued", 0],
      ["working", 3],
      ["working", 7],
      ["completed", 10],
    ]);
    expect(server.count()).toBe(6);
    for (const request of server.requests) {
      expect(request.path).toBe("/api/v2/job_statuses/abc123");
      expect(request.headers.authorization).toBe(AUTHORIZATION);
      expect(request.headers.accept).toBe("application/json");
    }
  });

  it("get returns the current job status of one request", async () => {
    const server = await JobServer.start();
    server.script("abc123", [working(4, 9)]);
    const jobs = createZendeskJobs({ baseUrl: server.url, authorization: AUTHORIZATION, timing: realTiming });
    await expect(jobs.get("abc123")).resolves.toMatchObject({ id: "abc123", status: "working", progress: 4, total: 9 });
    expect(server.count()).toBe(1);
    expect(server.requests[0]?.headers.authorization).toBe(AUTHORIZATION);
  });

  it("rejects a failed job with ZendeskJobFailedError carrying the job and its message, and stops polling", async () => {
    const server = await JobServer.start();
    server.script("fail1", [queued(null, 5), { job: { status: "failed", progress: 2, total: 5, message: "Ticket 17 is closed and cannot be updated" } }]);
    const jobs = createZendeskJobs({ baseUrl: server.url, authorization: AUTHORIZATION, policy: FAST, timing: realTiming });

    const error = await rejection(jobs.wait("fail1"));

    expect(error).toBeInstanceOf(ZendeskJobFailedError);
    expect(error).toBeInstanceOf(JobsError);
    const failed = error as ZendeskJobFailedError;
    expect(failed.name).toBe("ZendeskJobFailedError");
    expect(failed.job.status).toBe("failed");
    expect(failed.job.message).toBe("Ticket 17 is closed and cannot be updated");
    expect(failed.message).toContain("Ticket 17 is closed and cannot be updated");
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.count("fail1")).toBe(2);
  });

  it("rejects a killed job with ZendeskJobFailedError", async () => {
    const server = await JobServer.start();
    server.script("kill1", [working(1, 4), { job: { status: "killed", progress: 1, total: 4, message: null } }]);
    const jobs = createZendeskJobs({ baseUrl: server.url, authorization: AUTHORIZATION, policy: FAST, timing: realTiming });

    const error = await rejection(jobs.wait("kill1"));

    expect(error).toBeInstanceOf(ZendeskJobFailedError);
    expect((error as ZendeskJobFailedError).job).toMatchObject({ id: "kill1", status: "killed" });
    expect(server.count("kill1")).toBe(2);
  });

  it("keeps polling an undocumented status with backoff, warns once naming it, and resolves on completed", async () => {
    const server = await JobServer.start();
    const timing = new VirtualTiming();
    const start = timing.now();
    server.clock = () => timing.now() - start;
    server.script("pause1", [
      queued(null, 3),
      { job: { status: "paused", progress: 1, total: 3 } },
      { job: { status: "paused", progress: 1, total: 3 } },
      { job: { status: "paused", progress: 1, total: 3 } },
      completed(3),
    ]);
    const logger = spyLogger();
    const jobs = createZendeskJobs({
      baseUrl: server.url,
      authorization: AUTHORIZATION,
      logger,
      timing,
      policy: { firstDelayMs: 1_000, minDelayMs: 1_000, maxDelayMs: 8_000, factor: 2, jitter: 0 },
    });
    const checkpoints: Checkpoint[] = [];
    const done = jobs.wait("pause1", { onCheckpoint: (checkpoint) => checkpoints.push(checkpoint) });

    for (let check = 1; check <= 5; check += 1) {
      await timing.step();
      await until(() => server.count() === check, `check ${check}`);
      if (check < 5) await until(() => checkpoints.length === check, `checkpoint ${check}`);
    }
    const job = await done;

    expect(job.status).toBe("completed");
    // Backoff between checks doubles (1 s, 2 s, 4 s, 8 s): never a hot loop on the unknown status.
    expect(server.requests.map((request) => request.at)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000]);
    expect(logger.calls).toHaveLength(1);
    expect(logger.calls[0]?.message).toContain('"paused"');
    expect(logger.calls[0]?.message).toContain("pause1");
    expect(logger.calls[0]?.details).toEqual({ status: "paused" });
    expect(timing.pending).toBe(0);
  });

  it("retries an HTTP 503 once, so get and wait succeed", async () => {
    const server = await JobServer.start();
    server.script("retry1", [{ http: 503 }, working(2, 4)]);
    server.script("retry2", [{ http: 503 }, completed(4)]);
    const logger = spyLogger();
    const jobs = createZendeskJobs({ baseUrl: server.url, authorization: AUTHORIZATION, policy: FAST, timing: realTiming, logger });

    await expect(jobs.get("retry1")).resolves.toMatchObject({ id: "retry1", status: "working", progress: 2 });
    expect(server.count("retry1")).toBe(2);
    await expect(jobs.wait("retry2")).resolves.toMatchObject({ id: "retry2", status: "completed" });
    expect(server.count("retry2")).toBe(2);
    expect(logger.calls.map((call) => call.message)).toEqual([
      expect.stringMatching(/^GET \/api\/v2\/job_statuses\/retry1: HTTP 503; retrying in \d+ s$/),
      expect.stringMatching(/^GET \/api\/v2\/job_statuses\/retry2: HTTP 503; retrying in \d+ s$/),
    ]);
  });

  it("does not retry a 404: get rejects with ApiError 404 after exactly one request", async () => {
    const server = await JobServer.start();
    const jobs = createZendeskJobs({ baseUrl: server.url, authorization: AUTHORIZATION, policy: FAST, timing: realTiming });

    const error = await rejection(jobs.get("missing1"));

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.count("missing1")).toBe(1);
  });

  it("wait on a 404 rejects with ApiError 404 and stops polling", async () => {
    const server = await JobServer.start();
    server.script("gone1", [working(1, 2), { http: 404, body: { error: "RecordNotFound", description: "Not found" } }]);
    const jobs = createZendeskJobs({ baseUrl: server.url, authorization: AUTHORIZATION, policy: FAST, timing: realTiming });

    const error = await rejection(jobs.wait("gone1"));

    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.count("gone1")).toBe(2);
  });

  it("rejects ids that could leave the job-status path before sending anything", async () => {
    const server = await JobServer.start();
    const jobs = createZendeskJobs({ baseUrl: server.url, authorization: AUTHORIZATION, policy: FAST, timing: realTiming });

    for (const id of ["../x", "", "a/b", "abc?x=1", "abc#x", "%2e%2e", "abc def"]) {
      const error = await rejection(jobs.get(id));
      expect(error).toBeInstanceOf(JobsError);
      expect((error as Error).message).toContain(JSON.stringify(id));
    }
    expect(await rejection(jobs.wait("../x"))).toBeInstanceOf(JobsError);
    expect(server.count()).toBe(0);
  });

  it("accepts Zendesk's real job status ids, which look like V3-<hex>", async () => {
    // Zendesk returns ids such as "V3-ca23937b26f18d8b32a6f592b863b6bc" (the job_status.url of a bulk
    // create/update ends in /api/v2/job_statuses/V3-….json).
    const server = await JobServer.start();
    const id = "V3-ca23937b26f18d8b32a6f592b863b6bc";
    server.script(id, [completed(2)]);
    const jobs = createZendeskJobs({ baseUrl: server.url, authorization: AUTHORIZATION, policy: FAST, timing: realTiming });

    await expect(jobs.get(id)).resolves.toMatchObject({ id, status: "completed" });
    expect(server.requests.map((request) => request.path)).toEqual([`/api/v2/job_statuses/${id}`]);
  });

  it("notify wakes a waiting job for an immediate check instead of sleeping out the backoff", async () => {
    const server = await JobServer.start();
    const timing = new VirtualTiming();
    server.script("note1", [working(1, 2), completed(2)]);
    const jobs = createZendeskJobs({
      baseUrl: server.url,
      authorization: AUTHORIZATION,
      timing,
      policy: { firstDelayMs: 60_000, minDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 },
    });
    const checkpoints: Checkpoint[] = [];
    const done = jobs.wait("note1", { onCheckpoint: (checkpoint) => checkpoints.push(checkpoint) });

    await timing.advance(59_999);
    expect(server.count()).toBe(0);
    await timing.advance(1);
    await until(() => checkpoints.length === 1, "the first check to finish");
    expect(server.count()).toBe(1);
    const afterFirst = timing.now();
    expect(checkpoints[0]?.nextAt).toBe(afterFirst + 60_000);

    expect(jobs.notify("note1")).toBe(1);
    await timing.advance(0);
    await until(() => server.count() === 2, "the notified check");
    await expect(done).resolves.toMatchObject({ status: "completed" });
    expect(timing.now()).toBe(afterFirst);
    expect(jobs.notify("note1")).toBe(0);
  });

  it("notify during a check in flight makes the next check immediate", async () => {
    const server = await JobServer.start();
    const timing = new VirtualTiming();
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    server.script("note2", [{ ...working(1, 2), until: held }, completed(2)]);
    const jobs = createZendeskJobs({
      baseUrl: server.url,
      authorization: AUTHORIZATION,
      timing,
      policy: { firstDelayMs: 60_000, minDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 },
    });
    const checkpoints: Checkpoint[] = [];
    const done = jobs.wait("note2", { onCheckpoint: (checkpoint) => checkpoints.push(checkpoint) });

    await timing.advance(60_000);
    await until(() => server.count() === 1, "the first request");
    // The first check is in flight (its answer is held back): notify it, then let it answer.
    expect(jobs.notify("note2")).toBe(1);
    expect(checkpoints).toHaveLength(0);
    release();
    await until(() => checkpoints.length === 1, "the first check to finish");
    expect(checkpoints[0]?.nextAt).toBe(timing.now());
    const at = timing.now();
    await timing.advance(0);
    await until(() => server.count() === 2, "the immediate second check");
    await expect(done).resolves.toMatchObject({ status: "completed" });
    expect(timing.now()).toBe(at);
  });

  it("aborting between checks rejects with AbortError and sends nothing more", async () => {
    const server = await JobServer.start();
    const timing = new VirtualTiming();
    server.script("abort1", [working(1, 5)]);
    const jobs = createZendeskJobs({
      baseUrl: server.url,
      authorization: AUTHORIZATION,
      timing,
      policy: { firstDelayMs: 1_000, minDelayMs: 1_000, maxDelayMs: 1_000, jitter: 0 },
    });
    const controller = new AbortController();
    const checkpoints: Checkpoint[] = [];
    const outcome = rejection(jobs.wait("abort1", { signal: controller.signal, onCheckpoint: (checkpoint) => checkpoints.push(checkpoint) }));

    await timing.advance(1_000);
    await until(() => checkpoints.length === 1, "the first check to finish");
    controller.abort(new Error("user cancelled"));
    const error = (await outcome) as Error & { reason?: unknown };

    expect(error.name).toBe("AbortError");
    expect(error.reason).toEqual(new Error("user cancelled"));
    await timing.advance(600_000);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.count()).toBe(1);
    expect(timing.pending).toBe(0);
  });

  it("aborting while a request is in flight cancels it, rejects with AbortError and sends nothing more", async () => {
    const server = await JobServer.start();
    server.script("abort2", [working(1, 5), { hang: true }]);
    const jobs = createZendeskJobs({ baseUrl: server.url, authorization: AUTHORIZATION, policy: FAST, timing: realTiming });
    const controller = new AbortController();
    const outcome = rejection(jobs.wait("abort2", { signal: controller.signal }));

    await until(() => server.count() === 2, "the second (hanging) request");
    controller.abort();
    const error = (await outcome) as Error;

    expect(error.name).toBe("AbortError");
    await until(() => server.requests[1]?.aborted === true, "the hanging request to be cancelled");
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.count()).toBe(2);
  });

  it("rejects at once with AbortError when the signal is already aborted, without a request", async () => {
    const server = await JobServer.start();
    server.script("abort3", [completed(1)]);
    const jobs = createZendeskJobs({ baseUrl: server.url, authorization: AUTHORIZATION, policy: FAST, timing: realTiming });

    const error = (await rejection(jobs.wait("abort3", { signal: AbortSignal.abort() }))) as Error;

    expect(error.name).toBe("AbortError");
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(server.count()).toBe(0);
  });

  it("times out with JobTimeoutError carrying the last Zendesk status", async () => {
    const server = await JobServer.start();
    const timing = new VirtualTiming();
    const start = timing.now();
    server.clock = () => timing.now() - start;
    server.script("slow1", [working(2, 9)]);
    const jobs = createZendeskJobs({
      baseUrl: server.url,
      authorization: AUTHORIZATION,
      timing,
      timeoutMs: 5_000,
      policy: { firstDelayMs: 60_000, minDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 },
    });
    const checkpoints: Checkpoint[] = [];
    const outcome = rejection(jobs.wait("slow1", { onCheckpoint: (checkpoint) => checkpoints.push(checkpoint) }));

    await timing.step();
    await until(() => checkpoints.length === 1, "the last check before the deadline");
    await timing.step();
    const error = (await outcome) as JobTimeoutError;

    expect(error).toBeInstanceOf(JobTimeoutError);
    expect(error.message).toContain("slow1");
    expect(error.job).toMatchObject({ id: "slow1", status: "working", progress: 2, total: 9 });
    expect(server.requests.map((request) => request.at)).toEqual([4_000]);
    expect(timing.now() - start).toBe(5_000);
  });

  it("falls back to the default timeout when wait is given timeoutMs: undefined", async () => {
    const server = await JobServer.start();
    const timing = new VirtualTiming();
    server.script("undef1", [completed(1)]);
    const jobs = createZendeskJobs({
      baseUrl: server.url,
      authorization: AUTHORIZATION,
      timing,
      policy: { firstDelayMs: 1_000, minDelayMs: 1_000, maxDelayMs: 1_000, jitter: 0 },
    });
    const settled: unknown[] = [];
    const done = jobs.wait("undef1", { timeoutMs: undefined });
    done.then(
      (job) => settled.push(job),
      (error: unknown) => settled.push(error),
    );

    await timing.advance(1_000);
    await until(() => settled.length > 0 || server.count() > 0, "the first check").catch(() => undefined);
    expect(server.count()).toBe(1);
    await expect(done).resolves.toMatchObject({ id: "undef1", status: "completed" });
  });

  it("serves several waits from one engine, and notify reaches every wait on the same id", async () => {
    const server = await JobServer.start();
    const timing = new VirtualTiming();
    server.script("many1", [working(1, 2), working(1, 2), completed(2)]);
    server.script("many2", [working(1, 2)]);
    const jobs = createZendeskJobs({
      baseUrl: server.url,
      authorization: AUTHORIZATION,
      timing,
      policy: { firstDelayMs: 60_000, minDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 },
    });
    const start = timing.now();
    const checkpoints: Checkpoint[] = [];
    const first = jobs.wait("many1", { onCheckpoint: (checkpoint) => checkpoints.push(checkpoint) });
    const second = jobs.wait("many1", { onCheckpoint: (checkpoint) => checkpoints.push(checkpoint) });
    const controller = new AbortController();
    const other = rejection(jobs.wait("many2", { signal: controller.signal }));

    await timing.advance(60_000);
    await until(() => checkpoints.length === 2 && server.count() === 3, "the first round of checks");
    expect(jobs.notify("many1")).toBe(2);
    await timing.advance(0);
    await expect(Promise.all([first, second])).resolves.toMatchObject([{ status: "completed" }, { status: "completed" }]);
    expect(server.count("many1")).toBe(4);
    expect(timing.now()).toBe(start + 60_000);
    expect(server.count("many2")).toBe(1);
    controller.abort();
    expect(((await other) as Error).name).toBe("AbortError");
    expect(jobs.notify("many2")).toBe(0);
  });

  it.each([[{}], [null], [{ job_status: null }]])("retries a 200 whose body %j has no job_status, like malformed JSON", async (bad) => {
    const server = await JobServer.start();
    server.script("shape1", [{ http: 200, body: bad }, completed(2)]);
    const jobs = createZendeskJobs({ baseUrl: server.url, authorization: AUTHORIZATION, policy: FAST, timing: realTiming });
    await expect(jobs.wait("shape1")).resolves.toMatchObject({ status: "completed" });
    expect(server.count("shape1")).toBe(2);
  });

  it("reads a status in any case", async () => {
    const server = await JobServer.start();
    server.script("case1", [{ job: { status: "Completed", progress: 1, total: 1 } }]);
    const jobs = createZendeskJobs({ baseUrl: server.url, authorization: AUTHORIZATION, policy: FAST, timing: realTiming });
    await expect(jobs.wait("case1")).resolves.toMatchObject({ status: "Completed" });
  });

  it.each([["https://agent:secret@example.zendesk.com"], ["ftp://example.zendesk.com"], ["https://example.zendesk.com/?x=1"], [""]])(
    "refuses the base URL %j as core does, before any request",
    (baseUrl) => {
      expect(() => createZendeskJobs({ baseUrl, authorization: AUTHORIZATION })).toThrow(InvalidArgumentError);
    },
  );
});
