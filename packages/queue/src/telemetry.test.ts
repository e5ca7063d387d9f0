import { context, metrics, propagation, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { AggregationTemporality, type GaugeMetricData, MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { DelayedError, Queue, Worker } from "bullmq";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { AccountBudgetError } from "./account-budget-error.js";
import { type QueueMetricSources, queueTelemetry, registerQueueMetrics, stepSpan } from "./telemetry.js";
import { startRedis, type ThrowawayRedis } from "./testing.js";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_ACCOUNT, startSandbox } from "@impactkit/sandbox";
import { createExportQueue } from "./export-queue.js";
import { createExportWorker } from "./export-worker.js";
import { FLAVORS, poll, sandboxClients, settled } from "./sandbox-clients.fixture.js";

/** A reader the test collects when it wants (no timer, no export), each collection holding only what was observed for it. */
class OnDemandReader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.DELTA });
  }
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const exporter = new InMemorySpanExporter();
const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
let redis: ThrowawayRedis;

beforeAll(async () => {
  trace.setGlobalTracerProvider(tracerProvider);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  // The job carries its producer's trace context through the propagator, as an SDK such as sdk-node sets it up.
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
  await tracerProvider.shutdown();
  trace.disable();
  propagation.disable();
  context.disable();
});
beforeEach(() => exporter.reset());

const spans = (name: string) => exporter.getFinishedSpans().filter((span) => span.name === name);

describe("stepSpan", () => {
  it("makes a span per step with its attributes, the active span while it runs, OK and `completed` when it resolves", async () => {
    const result = await stepSpan("impactkit.step wait", { "impactkit.account": "IRAAA", "impactkit.attempt": 2 }, async () => {
      trace.getTracer("inner").startSpan("GET /Jobs/{JobId}").end();
      return "done";
    });
    expect(result).toBe("done");
    const [step] = spans("impactkit.step wait");
    expect(step!.instrumentationScope.name).toBe("@impactkit/queue");
    expect(step!.attributes).toEqual({ "impactkit.account": "IRAAA", "impactkit.attempt": 2, "impactkit.step.outcome": "completed" });
    expect(step!.status.code).toBe(SpanStatusCode.OK);
    expect(spans("GET /Jobs/{JobId}")[0]!.parentSpanContext?.spanId).toBe(step!.spanContext().spanId);
  });

  it("records a failure: status ERROR with the error's code, `error.type`, the exception as an event, and rethrows it", async () => {
    const error = new AccountBudgetError("IRAAA", 60_000, "its 3 requests of the hour are spent");
    await expect(stepSpan("impactkit.step export", {}, () => Promise.reject(error))).rejects.toBe(error);
    const [step] = spans("impactkit.step export");
    expect(step!.status).toEqual({ code: SpanStatusCode.ERROR, message: "IMPACTKIT_ACCOUNT_BUDGET" });
    expect(step!.attributes).toMatchObject({ "impactkit.step.outcome": "failed", "error.type": "IMPACTKIT_ACCOUNT_BUDGET" });
    expect(step!.events.find((event) => event.name === "exception")?.attributes).toMatchObject({ "exception.message": error.message });
  });

  it("takes a DelayedError for what it is — the step parking its pipeline on purpose: status OK, outcome `delayed`, rethrown for BullMQ", async () => {
    const delayed = new DelayedError();
    await expect(stepSpan("impactkit.step wait", {}, () => Promise.reject(delayed))).rejects.toBe(delayed);
    const [step] = spans("impactkit.step wait");
    expect(step!.status.code).toBe(SpanStatusCode.OK);
    expect(step!.attributes["impactkit.step.outcome"]).toBe("delayed");
    expect(step!.events).toEqual([]);
  });
});

describe("queueTelemetry with a real BullMQ Queue and Worker", () => {
  it("is undefined with telemetry: false", () => {
    expect(queueTelemetry({ telemetry: false })).toBeUndefined();
  });

  it("makes BullMQ trace its jobs: a PRODUCER span when one is added, a CONSUMER span, its child, when it is processed", async () => {
    const name = `telemetry-${process.pid}`;
    const telemetry = queueTelemetry();
    const queue = new Queue(name, { connection: { url: redis.url }, telemetry });
    const processed: string[] = [];
    const worker = new Worker(
      name,
      async (job) => {
        // A step the worker runs is a child of BullMQ's process span; parked pipelines throw DelayedError from it.
        await stepSpan("impactkit.step probe", { "impactkit.pipeline": job.id ?? "" }, async () => processed.push(job.name));
      },
      { connection: { url: redis.url, maxRetriesPerRequest: null }, telemetry },
    );
    try {
      const completed = new Promise((resolve) => worker.once("completed", resolve));
      await queue.add("pipeline", { account: "IRAAA" });
      await completed;
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
    expect(processed).toEqual(["pipeline"]);
    const [add] = spans(`add ${name}.pipeline`);
    const [consumed] = spans(`process ${name}`);
    expect(
      add,
      exporter
        .getFinishedSpans()
        .map((span) => span.name)
        .join(", "),
    ).toBeDefined();
    expect(add!.kind).toBe(SpanKind.PRODUCER);
    expect(add!.instrumentationScope.name).toBe("impactkit");
    expect(consumed!.kind).toBe(SpanKind.CONSUMER);
    expect(consumed!.parentSpanContext?.spanId).toBe(add!.spanContext().spanId);
    const [step] = spans("impactkit.step probe");
    expect(step!.parentSpanContext?.spanId).toBe(consumed!.spanContext().spanId);
  });
});

describe("registerQueueMetrics", () => {
  let reader: OnDemandReader;
  let meterProvider: MeterProvider;
  beforeEach(() => {
    reader = new OnDemandReader();
    meterProvider = new MeterProvider({ readers: [reader] });
  });
  afterEach(() => meterProvider.shutdown());

  /** The points of the gauge `name` as [attributes, value], from one collection. */
  async function points(name: string): Promise<Array<[Record<string, unknown>, number]>> {
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    const metric = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics).find((found) => found.descriptor.name === name) as
      | GaugeMetricData
      | undefined;
    return (metric?.dataPoints ?? []).map((point) => [point.attributes, point.value] as [Record<string, unknown>, number]);
  }

  const sources = (overrides: Partial<QueueMetricSources> = {}): QueueMetricSources => ({
    accounts: () => ["IRAAA", "IRBBB"],
    requestsLeft: async (account) => (account === "IRAAA" ? 640 : 12),
    exportsLeft: async (account): Promise<Record<string, number>> => (account === "IRAAA" ? { ReportExport: 90, ClickExport: 5 } : { ReportExport: 0 }),
    pipelineCounts: async () => ({ waiting: 3, active: 1, delayed: 7, completed: 20, failed: 2 }),
    ...overrides,
  });

  it("reports each account's requests and exports left and the pipelines by state, on the global @impactkit/queue meter", async () => {
    metrics.setGlobalMeterProvider(meterProvider);
    const unregister = registerQueueMetrics(sources());
    try {
      expect(await points("impactkit.account.requests_left")).toEqual([
        [{ "impactkit.account": "IRAAA" }, 640],
        [{ "impactkit.account": "IRBBB" }, 12],
      ]);
      expect(await points("impactkit.account.exports_left")).toEqual([
        [{ "impactkit.account": "IRAAA", "impactkit.export.kind": "ReportExport" }, 90],
        [{ "impactkit.account": "IRAAA", "impactkit.export.kind": "ClickExport" }, 5],
        [{ "impactkit.account": "IRBBB", "impactkit.export.kind": "ReportExport" }, 0],
      ]);
      expect(await points("impactkit.pipelines")).toEqual([
        [{ "bullmq.job.state": "waiting" }, 3],
        [{ "bullmq.job.state": "active" }, 1],
        [{ "bullmq.job.state": "delayed" }, 7],
        [{ "bullmq.job.state": "completed" }, 20],
        [{ "bullmq.job.state": "failed" }, 2],
      ]);
      const { resourceMetrics } = await reader.collect();
      expect(resourceMetrics.scopeMetrics.map((scope) => scope.scope.name)).toEqual(["@impactkit/queue"]);
    } finally {
      unregister();
      metrics.disable();
    }
  });

  it("reads the values anew at each collection, and stops once unregistered", async () => {
    let left = 100;
    const unregister = registerQueueMetrics(sources({ accounts: async () => ["IRAAA"], requestsLeft: async () => left }), meterProvider.getMeter("test"));
    expect(await points("impactkit.account.requests_left")).toEqual([[{ "impactkit.account": "IRAAA" }, 100]]);
    left = 99;
    expect(await points("impactkit.account.requests_left")).toEqual([[{ "impactkit.account": "IRAAA" }, 99]]);
    unregister();
    expect(await points("impactkit.account.requests_left")).toEqual([]);
  });

  it("leaves out what a failing source would say, and still reports the rest", async () => {
    const unregister = registerQueueMetrics(
      sources({
        requestsLeft: async (account) => (account === "IRAAA" ? Promise.reject(new Error("Redis is down")) : 12),
        exportsLeft: undefined,
        pipelineCounts: () => Promise.reject(new Error("Redis is down")),
      }),
      meterProvider.getMeter("test"),
    );
    try {
      expect(await points("impactkit.account.requests_left")).toEqual([[{ "impactkit.account": "IRBBB" }, 12]]);
      expect(await points("impactkit.account.exports_left")).toEqual([]);
      expect(await points("impactkit.pipelines")).toEqual([]);
    } finally {
      unregister();
    }
  });

  it("reports the BullMQ counts of a real queue as its source", async () => {
    const queue = new Queue(`metrics-${process.pid}`, { connection: { url: redis.url } });
    try {
      await queue.add("pipeline", {}, { delay: 60_000 });
      await queue.add("pipeline", {});
      const unregister = registerQueueMetrics(
        sources({ pipelineCounts: () => queue.getJobCounts("waiting", "active", "delayed", "completed", "failed") }),
        meterProvider.getMeter("custom"),
      );
      try {
        expect(new Map((await points("impactkit.pipelines")).map(([attributes, value]) => [attributes["bullmq.job.state"], value]))).toEqual(
          new Map([
            ["waiting", 1],
            ["active", 0],
            ["delayed", 1],
            ["completed", 0],
            ["failed", 0],
          ]),
        );
      } finally {
        unregister();
      }
    } finally {
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});

describe("a worker's pipelines", () => {
  it("are traced step by step around their API calls and BullMQ's own spans, and the account's budget and the pipelines are gauges", async () => {
    const reader = new OnDemandReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    metrics.setGlobalMeterProvider(meterProvider);
    const sandbox = await startSandbox({ clock: "manual", job: { queueMs: 1_000, runMs: 6_000, rows: 10 } });
    const dir = mkdtempSync(join(tmpdir(), "impactkit-traced-"));
    const { accountSid, authToken } = DEFAULT_ACCOUNT;
    const queue = createExportQueue({ redisUrl: redis.url, flavors: FLAVORS, name: "traced" });
    const worker = createExportWorker({
      redisUrl: redis.url,
      name: "traced",
      clients: sandboxClients(() => sandbox, { [accountSid]: authToken }),
      observe: false,
      checkDelayMs: () => 20,
      jobs: { timing: sandbox.control.timers(), requestTimeoutMs: 10_000_000 },
    });
    try {
      const { id } = await queue.add({
        flavor: "partner-v15",
        account: accountSid,
        export: { report: "mp_action_listing_fast", params: { START_DATE: "2026-11-01", END_DATE: "2026-11-01" } },
        to: join(dir, "traced.csv"),
      });
      // The job runs for 7 s of the sandbox's clock, which stands still until the pipeline sleeps once.
      await poll("the pipeline to sleep", async () => ((await queue.queue.getJobState(id)) === "delayed" ? true : undefined));
      expect((await settled(queue, id, sandbox)).state).toBe("completed");
      const steps = spans("impactkit pipeline step");
      // Steps that found the job running parked the pipeline in the delayed set; the last one downloaded.
      const outcomes = steps.map((step) => step.attributes["impactkit.step.outcome"]);
      expect(outcomes.length).toBeGreaterThan(1);
      expect(outcomes).toEqual([...outcomes.slice(0, -1).map(() => "delayed"), "completed"]);
      expect(steps.at(-1)?.attributes).toMatchObject({ "impactkit.flavor": "partner-v15", "impactkit.account": accountSid, "bullmq.job.id": id });
      const stepIds = new Set(steps.map((step) => step.spanContext().spanId));
      const calls = exporter.getFinishedSpans().filter((span) => span.instrumentationScope.name === "@impactkit/jobs" && span.kind === SpanKind.CLIENT);
      expect(new Set(calls.map((call) => call.name))).toEqual(new Set(["GET /ReportExport/{Id}", "GET /Jobs/{JobId}", "GET /Jobs/{JobId}/Download"]));
      // Every call runs within a step (a download's calls under its `jobs.download` span, itself under the step).
      const byId = new Map(exporter.getFinishedSpans().map((span) => [span.spanContext().spanId, span]));
      const withinStep = (spanId: string | undefined): boolean =>
        spanId !== undefined && (stepIds.has(spanId) || withinStep(byId.get(spanId)?.parentSpanContext?.spanId));
      for (const call of calls) expect(withinStep(call.parentSpanContext?.spanId), call.name).toBe(true);
      expect(exporter.getFinishedSpans().some((span) => span.instrumentationScope.name === "impactkit" && span.name.startsWith("process"))).toBe(true);
      const { resourceMetrics } = await reader.collect();
      const gauges = resourceMetrics.scopeMetrics.flatMap((scope) => scope.metrics) as GaugeMetricData[];
      const points = (name: string) => gauges.find((gauge) => gauge.descriptor.name === name)?.dataPoints ?? [];
      expect(points("impactkit.account.requests_left")).toEqual([expect.objectContaining({ attributes: { "impactkit.account": accountSid } })]);
      expect(points("impactkit.account.exports_left")).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ attributes: { "impactkit.account": accountSid, "impactkit.export.kind": "ReportExport" }, value: 99 }),
        ]),
      );
      expect(points("impactkit.pipelines")).toContainEqual(expect.objectContaining({ attributes: { "bullmq.job.state": "completed" }, value: 1 }));
      const everything = JSON.stringify(exporter.getFinishedSpans().map((span) => [span.name, span.attributes, span.events]));
      expect(everything).not.toContain(authToken);
      expect(everything).not.toContain(Buffer.from(`${accountSid}:${authToken}`).toString("base64"));
    } finally {
      await worker.close();
      await queue.close();
      await sandbox.close();
      await meterProvider.shutdown();
      metrics.disable();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
