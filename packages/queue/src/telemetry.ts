import {
  type Attributes,
  type BatchObservableCallback,
  diag,
  type Meter,
  metrics,
  type ObservableGauge,
  type Span,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import { DelayedError, type Telemetry, WaitingChildrenError, WaitingError } from "bullmq";
import { BullMQOtel } from "bullmq-otel";
import { recordFailure } from "@impactkit/jobs/engine";

/** The queue's own spans: one per pipeline step (https://opentelemetry.io/docs/specs/otel/trace/api/#get-a-tracer). */
const tracer = trace.getTracer("@impactkit/queue");

export interface QueueTelemetryOptions {
  /** `false`: no telemetry, as BullMQ has by default (default `true`). */
  telemetry?: boolean;
  /** BullMQ's job metrics too — counts and durations of completed and failed jobs (bullmq-otel's `enableMetrics`; default `false`). */
  metrics?: boolean;
}

/**
 * What BullMQ's `Queue` and `Worker` take as `telemetry` (https://docs.bullmq.io/guide/telemetry): bullmq-otel on
 * `@opentelemetry/api`, tracer `impactkit`. BullMQ then makes a PRODUCER span per job added (`add <queue>.<name>`),
 * a CONSUMER span per job processed (`process <queue>`) whose parent is the span that added it — its context travels
 * in the job, through the application's propagator (W3C Trace Context, as `@opentelemetry/sdk-node` sets up:
 * https://opentelemetry.io/docs/specs/otel/context/api-propagators/) — and spans of its other operations. Without
 * an SDK registered they record nothing; `telemetry: false` gives `undefined` (no telemetry at all).
 */
export function queueTelemetry(options: QueueTelemetryOptions = {}): Telemetry | undefined {
  if (options.telemetry === false) return undefined;
  return new BullMQOtel({ tracerName: "impactkit", meterName: "impactkit", enableMetrics: options.metrics === true });
}

/**
 * How a step that threw ended, when the throw is BullMQ's way of moving its job rather than a failure
 * (https://docs.bullmq.io/patterns/process-step-jobs): `DelayedError` (to the delayed set), `WaitingError` (back to
 * wait), `WaitingChildrenError`. Matched by class, or by name for an error of another copy of bullmq.
 */
function movedTo(error: unknown): string | undefined {
  const name = (error as { name?: unknown } | null)?.name;
  if (error instanceof DelayedError || name === "DelayedError") return "delayed";
  if (error instanceof WaitingChildrenError || name === "WaitingChildrenError") return "waiting-children";
  if (error instanceof WaitingError || name === "WaitingError") return "waiting";
  return undefined;
}

/**
 * Runs one pipeline step in a span named `name` (INTERNAL, active while it runs, so the API calls it makes — their
 * spans from `@impactkit/jobs` — are its children). `impactkit.step.outcome` says how it ended: `completed`; a move
 * BullMQ asked for (`delayed` for a `DelayedError`: a step that parks its pipeline on purpose is no failure, status
 * OK); or `failed`, with status ERROR, `error.type` (the error's `code`) and the exception as an event
 * (https://opentelemetry.io/docs/specs/semconv/exceptions/exceptions-spans/). The error, if any, is rethrown.
 */
export function stepSpan<T>(name: string, attributes: Record<string, string | number>, run: () => Promise<T>): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span: Span) => {
    try {
      const result = await run();
      span.setAttribute("impactkit.step.outcome", "completed");
      span.setStatus({ code: SpanStatusCode.OK });
      return result;
    } catch (error) {
      const moved = movedTo(error);
      if (moved) {
        span.setAttribute("impactkit.step.outcome", moved);
        span.setStatus({ code: SpanStatusCode.OK });
      } else {
        span.setAttribute("impactkit.step.outcome", "failed");
        recordFailure(span, error);
      }
      throw error;
    } finally {
      span.end();
    }
  });
}

/** Where the queue's gauges read their values, at each collection. */
export interface QueueMetricSources {
  /** The accounts to report. */
  accounts(): Promise<string[]> | string[];
  /** Requests the account has left in its hourly budget (`AccountBudget.remaining`). */
  requestsLeft(account: string): Promise<number>;
  /** Exports the account has left, by kind (`ReportExport`, `ClickExport`), where a quota applies. */
  exportsLeft?(account: string): Promise<Record<string, number>>;
  /** Pipelines by BullMQ state: `waiting`, `active`, `delayed`, `completed`, `failed` (`Queue.getJobCounts(…)` gives this). */
  pipelineCounts(): Promise<Record<string, number>>;
}

/** A source's answer, or undefined when it failed: said through the API's diagnostics, and the other gauges still report. */
async function read<T>(what: string, source: () => Promise<T> | T): Promise<T | undefined> {
  try {
    return await source();
  } catch (error) {
    diag.warn(`@impactkit/queue: the metric source ${what} failed: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/**
 * Registers the queue's observable gauges (https://opentelemetry.io/docs/specs/otel/metrics/api/#asynchronous-gauge),
 * read from `sources` each time the SDK collects, on `meter` (by default `@impactkit/queue`'s of the global
 * provider): `impactkit.account.requests_left` (`impactkit.account`), `impactkit.account.exports_left`
 * (`impactkit.account`, `impactkit.export.kind`) and `impactkit.pipelines` (`bullmq.job.state`). Units are
 * annotations, as the metric conventions name counts (https://opentelemetry.io/docs/specs/semconv/general/metrics/#instrument-units).
 * A source that fails leaves its points out of that collection only. Returns what unregisters the callback.
 */
export function registerQueueMetrics(sources: QueueMetricSources, meter: Meter = metrics.getMeter("@impactkit/queue")): () => void {
  const requestsLeft = meter.createObservableGauge("impactkit.account.requests_left", {
    description: "Requests the account has left in its hourly rate-limit window",
    unit: "{request}",
  });
  const exportsLeft = meter.createObservableGauge("impactkit.account.exports_left", {
    description: "Exports the account has left in its quota, by kind",
    unit: "{export}",
  });
  const pipelines = meter.createObservableGauge("impactkit.pipelines", { description: "Export pipelines by BullMQ job state", unit: "{pipeline}" });
  const observables: ObservableGauge[] = [requestsLeft, exportsLeft, pipelines];
  const callback: BatchObservableCallback = async (result) => {
    const [accounts, counts] = await Promise.all([read("accounts", () => sources.accounts()), read("pipelineCounts", () => sources.pipelineCounts())]);
    for (const [state, count] of Object.entries(counts ?? {})) result.observe(pipelines, count, { "bullmq.job.state": state });
    await Promise.all(
      (accounts ?? []).map(async (account) => {
        const attributes: Attributes = { "impactkit.account": account };
        const [left, exports] = await Promise.all([
          read("requestsLeft", () => sources.requestsLeft(account)),
          sources.exportsLeft ? read("exportsLeft", () => sources.exportsLeft!(account)) : undefined,
        ]);
        if (left !== undefined) result.observe(requestsLeft, left, attributes);
        for (const [kind, count] of Object.entries(exports ?? {})) result.observe(exportsLeft, count, { ...attributes, "impactkit.export.kind": kind });
      }),
    );
  };
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
