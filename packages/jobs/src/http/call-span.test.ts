import { mkdtempSync, rmSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { context, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { InMemorySpanExporter, type ReadableSpan, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createJobs } from "../api/create-jobs.js";
import { DownloadError, NotFoundError } from "../base/errors.js";
import type { Timing } from "../base/timing.js";
import type { JobsOptions } from "../impact/context.js";
import { type FakeApi, JOB_ID, jobBody, rejection, resultBytes, sendJson, startFakeApi } from "../testing.js";
import { HOSTILE_ACCOUNT, hostileClient } from "../testing/clients.fixture.js";

/** The signed part of the storage URL a Download's 302 names: no span may hold any of it. */
const SIGNATURE = "s3cr3t-5ignature-d41d8cd9";
const SIGNED_QUERY = `X-Amz-Credential=AKIAEXAMPLE%2F20261201&X-Amz-Signature=${SIGNATURE}&X-Amz-Expires=300`;
const RESULT = resultBytes(64 * 1024);
/** Request timeouts this long never fire on the jumping clock. */
const NEVER = 1e9;

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
let servers: FakeApi[];
let dir: string;

beforeAll(() => {
  trace.setGlobalTracerProvider(provider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(async () => {
  await provider.shutdown();
  trace.disable();
  context.disable();
});
beforeEach(() => {
  exporter.reset();
  servers = [];
  dir = mkdtempSync(join(tmpdir(), "impactkit-spans-"));
});
afterEach(async () => {
  // Whatever a test did, no span says anything secret.
  for (const span of exporter.getFinishedSpans()) expectNothingSecret(span);
  for (const server of servers) await server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Time that jumps: every timer fires on the next turn, its delay added to the clock, so retries and rate-limit waits are instant. */
function jumpingTiming(): Timing {
  let now = Date.UTC(2026, 11, 1);
  return {
    now: () => now,
    random: () => 0.5,
    setTimer(run, ms) {
      if (ms >= NEVER) return () => undefined;
      const immediate = setImmediate(() => {
        now += Math.max(0, ms);
        run();
      });
      return () => clearImmediate(immediate);
    },
  };
}

type Handler = (request: IncomingMessage, response: ServerResponse, path: string) => void;

async function server(handler: Handler): Promise<FakeApi> {
  const started = await startFakeApi(handler);
  servers.push(started);
  return started;
}

const jobsOver = (api: FakeApi, options: JobsOptions = {}) =>
  createJobs(hostileClient(api.url), { timing: jumpingTiming(), requestTimeoutMs: NEVER, callTimeoutMs: 2 * NEVER, ...options });

/** The partner API's rate-limit headers (its spec's `rateLimitHeaders`). */
const budget = (remaining: number) => ({ "X-RateLimit-Limit-hour": "1000", "X-RateLimit-Remaining-hour": String(remaining), "RateLimit-Reset": "60" });

/** The partner API: `job` answers a job's GET (COMPLETED with 998 requests left by default), Download redirects to `location`. */
async function api(options: { job?: Handler; location?: string } = {}): Promise<FakeApi> {
  return server((request, response, path) => {
    if (path === `/Jobs/${JOB_ID}/Download`) return (response.writeHead(302, { Location: options.location ?? "https://storage.invalid/" }), response.end());
    if (path === `/Jobs/${JOB_ID}`) return options.job ? options.job(request, response, path) : sendJson(response, 200, jobBody("COMPLETED"), budget(998));
    sendJson(response, 404, { Status: "ERROR", Message: "Not found" });
  });
}

/** Storage behind a signed URL: `route` answers, by default with the result. */
async function storage(route?: Handler): Promise<{ server: FakeApi; signedUrl: string }> {
  const started = await server(route ?? ((_request, response) => (response.writeHead(200, { "Content-Length": RESULT.length }), response.end(RESULT))));
  return { server: started, signedUrl: `${started.url}/results/${JOB_ID}.csv?${SIGNED_QUERY}` };
}

const spans = (name?: string) => exporter.getFinishedSpans().filter((span) => name === undefined || span.name === name);

/** Every text a span carries to a backend: its name, attributes, events and their attributes, status and links. */
function texts(span: ReadableSpan): string {
  return JSON.stringify({
    name: span.name,
    attributes: span.attributes,
    events: span.events.map((event) => ({ name: event.name, attributes: event.attributes })),
    status: span.status,
    links: span.links,
  });
}

function expectNothingSecret(span: ReadableSpan): void {
  const text = texts(span);
  const authorization = Buffer.from(`${HOSTILE_ACCOUNT.accountSid}:${HOSTILE_ACCOUNT.authToken}`).toString("base64");
  for (const secret of [HOSTILE_ACCOUNT.authToken, authorization, HOSTILE_ACCOUNT.accountSid, "custom-9f2c", SIGNATURE, "X-Amz-", "AKIAEXAMPLE", "?"])
    expect(text, `${span.name} holds ${secret}`).not.toContain(secret);
}

describe("a span for every API call (OpenTelemetry HTTP client conventions)", () => {
  it("makes one CLIENT span per call, named after its method and path template, with the conventions' attributes", async () => {
    const apiServer = await api();
    await jobsOver(apiServer).get(JOB_ID);
    expect(apiServer.seen).toHaveLength(1);
    const [span, ...others] = spans();
    expect(others).toEqual([]);
    expect(span!.name).toBe("GET /Jobs/{JobId}");
    expect(span!.kind).toBe(SpanKind.CLIENT);
    expect(span!.instrumentationScope).toMatchObject({ name: "@impactkit/jobs" });
    expect(span!.attributes).toEqual({
      "http.request.method": "GET",
      "server.address": "127.0.0.1",
      "server.port": Number(new URL(apiServer.url).port),
      "url.template": "/Mediapartners/{AccountSID}/Jobs/{JobId}",
      "http.response.status_code": 200,
      "impactkit.rate_limit.remaining": 998,
      "impactkit.attempts": 1,
    });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.events).toEqual([]);
  });

  it("covers a call's retries in its one span: the attempts made, each retry an event, the last answer's status", async () => {
    let answered = 0;
    const apiServer = await api({
      job: (_request, response) => ((answered += 1) <= 2 ? sendJson(response, 503, { Message: "busy" }) : sendJson(response, 200, jobBody("COMPLETED"))),
    });
    await jobsOver(apiServer).get(JOB_ID);
    expect(apiServer.seen).toHaveLength(3);
    const [span, ...others] = spans();
    expect(others).toEqual([]);
    expect(span!.attributes).toMatchObject({ "impactkit.attempts": 3, "http.response.status_code": 200 });
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.events.map((event) => [event.name, event.attributes?.["impactkit.attempt"], event.attributes?.["error.type"]])).toEqual([
      ["impactkit.retry", 1, "IMPACTKIT_API_ERROR"],
      ["impactkit.retry", 2, "IMPACTKIT_API_ERROR"],
    ]);
    expect(span!.events.every((event) => (event.attributes?.["impactkit.retry.delay_ms"] as number) > 0)).toBe(true);
  });

  it("ends a failed call's span with status ERROR and the error's code, and the exception as an event", async () => {
    const apiServer = await api({ job: (_request, response) => sendJson(response, 404, { Status: "ERROR", Message: "No such job" }) });
    const error = await rejection(jobsOver(apiServer).get(JOB_ID));
    expect(error).toBeInstanceOf(NotFoundError);
    const [span] = spans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: "IMPACTKIT_API_NOT_FOUND" });
    expect(span!.attributes).toMatchObject({ "error.type": "IMPACTKIT_API_NOT_FOUND", "http.response.status_code": 404, "impactkit.attempts": 1 });
    const exception = span!.events.find((event) => event.name === "exception");
    expect(exception?.attributes).toMatchObject({ "exception.type": "IMPACTKIT_API_NOT_FOUND", "exception.message": (error as Error).message });
  });

  it("marks a failure below HTTP with its code and no status code", async () => {
    const apiServer = await api({ job: (request) => request.socket.destroy() });
    await rejection(jobsOver(apiServer, { retries: 1 }).get(JOB_ID));
    const [span] = spans();
    expect(span!.attributes).toMatchObject({ "error.type": "IMPACTKIT_CONNECTION", "impactkit.attempts": 2 });
    expect(span!.attributes).not.toHaveProperty("http.response.status_code");
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("records a wait for the rate limit's reset as an event, with what the answer said was left", async () => {
    const apiServer = await api({ job: (_request, response) => sendJson(response, 200, jobBody("COMPLETED"), budget(0)) });
    const jobs = jobsOver(apiServer);
    await jobs.get(JOB_ID);
    await jobs.get(JOB_ID);
    const [first, second] = spans("GET /Jobs/{JobId}");
    expect(first!.attributes["impactkit.rate_limit.remaining"]).toBe(0);
    expect(first!.events).toEqual([]);
    const wait = second!.events.find((event) => event.name === "impactkit.rate_limit.wait");
    expect(wait?.attributes?.["impactkit.rate_limit.wait_ms"]).toBeGreaterThan(0);
  });

  it("names a list by its path only: its pages are one template, its query never recorded", async () => {
    const apiServer = await server((request, response) => {
      const page = new URL(request.url ?? "", "http://x").searchParams.get("Page") ?? "1";
      sendJson(response, 200, { "@page": page, "@numpages": "2", Jobs: [jobBody("COMPLETED")] });
    });
    await jobsOver(apiServer).list({ createdAfter: "2026-11-01", createdBefore: "2026-11-02" });
    expect(apiServer.seen).toHaveLength(2);
    expect(spans().map((span) => [span.name, span.attributes["url.template"]])).toEqual([
      ["GET /Jobs", "/Mediapartners/{AccountSID}/Jobs"],
      ["GET /Jobs", "/Mediapartners/{AccountSID}/Jobs"],
    ]);
  });
});

describe("downloads and waits", () => {
  it("traces a download: its span holds the Download call (302 recorded by status only) and never the signed URL", async () => {
    const { server: storageServer, signedUrl } = await storage();
    const apiServer = await api({ location: signedUrl });
    const to = join(dir, "result.csv");
    await expect(jobsOver(apiServer).download(JOB_ID, { to })).resolves.toEqual({ path: to, bytes: RESULT.length });
    expect(storageServer.seen[0]!.path).toContain(SIGNATURE); // storage got the signed URL: the spans must not have it
    const [download] = spans("jobs.download");
    expect(download!.attributes).toEqual({ "impactkit.job.id": JOB_ID, "impactkit.download.bytes": RESULT.length });
    const [call] = spans("GET /Jobs/{JobId}/Download");
    expect(call!.attributes).toMatchObject({ "http.response.status_code": 302, "url.template": "/Mediapartners/{AccountSID}/Jobs/{JobId}/Download" });
    expect(call!.parentSpanContext?.spanId).toBe(download!.spanContext().spanId);
    for (const span of spans()) expect(texts(span)).not.toContain(storageServer.url);
  });

  it("records a failed download's error with its code, and still no signed URL", async () => {
    const { signedUrl } = await storage((_request, response) => sendJson(response, 403, { Code: "AccessDenied", Message: `denied ${SIGNED_QUERY}` }));
    const apiServer = await api({ location: signedUrl });
    const error = await rejection(jobsOver(apiServer).download(JOB_ID, { to: join(dir, "result.csv") }));
    expect(error).toBeInstanceOf(DownloadError);
    const [download] = spans("jobs.download");
    expect(download!.status).toEqual({ code: SpanStatusCode.ERROR, message: "IMPACTKIT_DOWNLOAD" });
    expect(download!.events.map((event) => event.name)).toContain("exception");
  });

  it("traces a wait, the calls of its checks as its children, and the status it ended with", async () => {
    const apiServer = await api();
    await jobsOver(apiServer).wait(JOB_ID, { timeoutMs: NEVER });
    const [wait] = spans("jobs.wait");
    expect(wait!.attributes).toEqual({ "impactkit.job.id": JOB_ID, "impactkit.job.status": "COMPLETED" });
    const checks = spans("GET /Jobs/{JobId}");
    expect(checks.length).toBeGreaterThan(0);
    for (const check of checks) expect(check.parentSpanContext?.spanId).toBe(wait!.spanContext().spanId);
  });
});
