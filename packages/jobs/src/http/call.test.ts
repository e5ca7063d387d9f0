import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JobsOptions } from "../impact/context.js";
import { createJobs } from "../api/create-jobs.js";
import { ApiError, JobAbortedError, RateLimitError, TransportError } from "../base/errors.js";
import type { Timing } from "../base/timing.js";
import { rejection } from "../testing.js";
import { clientsFor } from "../testing/clients.fixture.js";

let sandbox: Sandbox;
let jobId: string;
let slept: number[];

/** Request timeouts are set this long, so that the jumping clock never fires them. */
const NEVER = 1e9;

/** Time that jumps: every sleep advances the sandbox's manual clock at once, so waits are exact and instant. */
function jumpingTiming(): Timing {
  return {
    now: () => sandbox.control.clock.now(),
    random: () => 0.5,
    setTimer(run, ms) {
      if (ms >= NEVER) return () => undefined;
      slept.push(ms);
      const immediate = setImmediate(() => {
        sandbox.control.advance(Math.max(0, ms));
        run();
      });
      return () => clearImmediate(immediate);
    },
  };
}

const jobs = (options: JobsOptions = {}) =>
  createJobs(clientsFor(sandbox).partner, { timing: jumpingTiming(), requestTimeoutMs: NEVER, callTimeoutMs: 2 * NEVER, ...options });
const apiCalls = () => sandbox.control.requests("api");

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual", job: { queueMs: 0, runMs: 10_000 } });
  jobId = (await createJobs(clientsFor(sandbox).partner).exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-01" })).id;
});
beforeEach(() => {
  slept = [];
  sandbox.control.clearFaults();
  sandbox.control.clearRequests();
  sandbox.control.setRateLimit({ perHour: 1_000 });
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

describe("transport retries beneath every call", () => {
  it("retries 5xx and connection resets with backoff, then succeeds", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "status", status: 503 } });
    sandbox.control.inject({ route: "getJob", fault: { kind: "status", status: 502 } });
    sandbox.control.inject({ route: "getJob", fault: { kind: "reset" } });
    await expect(jobs().get(jobId)).resolves.toMatchObject({ Id: jobId });
    expect(apiCalls().map((request) => request.status ?? "reset")).toEqual([503, 502, "reset", 200]);
    expect(slept).toEqual([250, 500, 1_000]);
  });

  it("honours Retry-After on 429 and pauses every call of the instance", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "rate-limit", retryAfterSeconds: 7 } });
    const before = sandbox.control.clock.now();
    await expect(jobs().get(jobId)).resolves.toMatchObject({ Id: jobId });
    expect(sandbox.control.clock.now() - before).toBeGreaterThanOrEqual(7_000);
    expect(slept).toContain(7_000);
  });

  it("gives up after the retry budget with a typed error carrying the API's message", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "status", status: 500 }, times: 5 });
    const error = (await rejection(jobs({ retries: 2 }).get(jobId))) as ApiError;
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(500);
    expect(error.message).toBe(`GET /Jobs/${jobId} failed with HTTP 500: The server encountered an error. Retry with exponential backoff.`);
    expect(apiCalls()).toHaveLength(3);
    sandbox.control.clearFaults();
    sandbox.control.inject({ route: "getJob", fault: { kind: "rate-limit", retryAfterSeconds: 1 }, times: 5 });
    const limited = (await rejection(jobs({ retries: 1 }).get(jobId))) as RateLimitError;
    expect(limited).toBeInstanceOf(RateLimitError);
    expect(limited.retryAfterMs).toBe(1_000);
  });

  it("does not retry other 4xx", async () => {
    const missing = "00000000-0000-4000-8000-000000000000";
    const error = (await rejection(jobs().get(missing))) as ApiError;
    expect(error).toMatchObject({
      name: "NotFoundError",
      code: "IMPACTKIT_API_NOT_FOUND",
      status: 404,
      apiMessage: "Job not found. Verify the JobId belongs to a job created by this account.",
    });
    const wrong = createJobs(clientsFor(sandbox).partner, { timing: jumpingTiming(), requestTimeoutMs: NEVER, callTimeoutMs: 2 * NEVER });
    const unauthorised = createJobs(
      (await import("@impactkit/partner-v15")).createClient({ accountSid: "IRSANDBOX0001", authToken: "wrong-token", baseUrl: sandbox.url }),
      { timing: jumpingTiming(), requestTimeoutMs: NEVER, callTimeoutMs: 2 * NEVER },
    );
    await expect(unauthorised.get(jobId)).rejects.toMatchObject({ status: 401 });
    expect(apiCalls()).toHaveLength(2);
    expect(wrong.spec.api).toBe("partner");
  });

  it("retries a malformed body, and names what it got when it stays wrong", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "malformed-json" } });
    await expect(jobs().get(jobId)).resolves.toMatchObject({ Id: jobId });
    sandbox.control.inject({ route: "getJob", fault: { kind: "xml" }, times: 5 });
    const error = (await rejection(jobs({ retries: 1 }).get(jobId))) as TransportError;
    expect(error).toBeInstanceOf(TransportError);
    expect(error.message).toBe(`GET /Jobs/${jobId} failed: expected JSON, got application/xml; charset=utf-8`);
  });

  it("retries a Replay only when the API says it did not process it (429, 503)", async () => {
    sandbox.control.advance(10_000);
    sandbox.control.inject({ route: "replayJob", fault: { kind: "status", status: 500 } });
    await expect(jobs().replay(jobId)).rejects.toMatchObject({ status: 500 });
    expect(apiCalls()).toHaveLength(1);
    sandbox.control.inject({ route: "replayJob", fault: { kind: "status", status: 503 } });
    const replayed = await jobs().replay(jobId);
    expect(replayed.Id).not.toBe(jobId);
    expect(
      apiCalls()
        .slice(1)
        .map((request) => request.status),
    ).toEqual([503, 200]);
  });

  it("stops a retry's sleep at once when aborted", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "status", status: 503 }, times: 3 });
    const controller = new AbortController();
    const slow: Timing = {
      now: () => Date.now(),
      random: () => 0.99,
      setTimer(_run, ms) {
        if (ms >= NEVER) return () => undefined;
        slept.push(ms);
        setImmediate(() => controller.abort(new Error("stop")));
        return () => undefined;
      },
    };
    const error = await rejection(
      createJobs(clientsFor(sandbox).partner, { timing: slow, requestTimeoutMs: NEVER, callTimeoutMs: 2 * NEVER }).get(jobId, { signal: controller.signal }),
    );
    expect(error).toBeInstanceOf(JobAbortedError);
    expect(apiCalls()).toHaveLength(1);
  });

  it("gives up on a stalled response after requestTimeoutMs and retries it", async () => {
    sandbox.control.inject({ route: "getJob", fault: { kind: "stall" } });
    const real = createJobs(clientsFor(sandbox).partner, { requestTimeoutMs: 150 });
    await expect(real.get(jobId)).resolves.toMatchObject({ Id: jobId });
    expect(apiCalls()).toHaveLength(2);
    sandbox.control.inject({ route: "getJob", fault: { kind: "stall" }, times: 2 });
    const error = await rejection(createJobs(clientsFor(sandbox).partner, { requestTimeoutMs: 100, retries: 1 }).get(jobId));
    expect(error).toBeInstanceOf(TransportError);
    expect((error as Error).message).toBe(`GET /Jobs/${jobId} failed: cannot reach ${new URL(sandbox.url).host}: no response within 100 ms`);
  });

  it("slows down before the rate budget is gone, without hitting 429", async () => {
    sandbox.control.setRateLimit({ perHour: 8, resetFormat: "seconds" });
    const client = jobs();
    for (let index = 0; index < 8; index += 1) await client.get(jobId);
    expect(apiCalls().every((request) => request.status === 200)).toBe(true);
    const paced = slept.filter((ms) => ms > 0);
    expect(paced).toHaveLength(2);
    expect(Math.min(...paced)).toBeGreaterThan(60_000);
  });
});
