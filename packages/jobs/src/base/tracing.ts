import { type Attributes, type Context, context as contexts, type Span, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";

/**
 * The package's tracer (https://opentelemetry.io/docs/specs/otel/trace/api/#get-a-tracer). Until the application
 * registers an SDK it is the API's no-op: its spans record nothing and cost an object each. A proxy, so an SDK
 * registered after this module loaded is used from then on. Named without a version (it is optional), so that a
 * release has no second copy of the version to keep in step with package.json.
 */
export const tracer: Tracer = trace.getTracer("@impactkit/jobs");

/**
 * What a failure is called on a span: its stable `code` (every error of the package has one), else its name, else
 * `_OTHER` — low-cardinality, as `error.type` must be (https://opentelemetry.io/docs/specs/semconv/attributes-registry/error/).
 */
export function errorType(error: unknown): string {
  const { code, name } = (error ?? {}) as { code?: unknown; name?: unknown };
  return typeof code === "string" && code !== "" ? code : typeof name === "string" && name !== "" ? name : "_OTHER";
}

/**
 * Marks `span` failed by `error`: status ERROR described by its code, `error.type`, and the exception as an event
 * (https://opentelemetry.io/docs/specs/semconv/exceptions/exceptions-spans/). The package's messages name hosts and
 * ids, never credentials nor a URL's query, so the event carries nothing secret.
 */
export function recordFailure(span: Span, error: unknown): void {
  const type = errorType(error);
  span.setAttribute("error.type", type);
  span.recordException(error instanceof Error ? error : { name: type, message: String(error) });
  span.setStatus({ code: SpanStatusCode.ERROR, message: type });
}

/**
 * Runs `run` in a span named `name` (INTERNAL, the active span meanwhile, so that the API calls it makes are its
 * children), ended with its outcome; `finish` adds attributes of the result. Without an SDK the span is ended at once
 * and nothing is held while `run` goes on.
 */
export async function inSpan<T>(name: string, attributes: Attributes, run: () => Promise<T>, finish?: (span: Span, result: T) => void): Promise<T> {
  return tracer.startActiveSpan(name, { attributes }, async (span) => {
    if (!span.isRecording()) {
      span.end();
      return run();
    }
    try {
      const result = await run();
      finish?.(span, result);
      return result;
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** A span started for work that settles later, and the context its children are started in. */
export interface OpenSpan {
  readonly context: Context;
  /** Ends the span when `outcome` settles, with its outcome; `finish` adds attributes of the value. */
  settle<T>(outcome: Promise<T>, finish?: (span: Span, value: T) => void): Promise<T>;
}

/**
 * Starts a span (INTERNAL) for work that other code runs later — a wait's checks, run by the shared poll
 * engine, are started in its `context` rather than in whatever context armed the engine's timer. Undefined
 * without an SDK: nothing is held for the work's duration.
 */
export function openSpan(name: string, attributes: Attributes): OpenSpan | undefined {
  const span = tracer.startSpan(name, { attributes });
  const context = trace.setSpan(contexts.active(), span);
  if (!span.isRecording()) {
    span.end();
    // An SDK that did not sample it: its children are not sampled either.
    return trace.isSpanContextValid(span.spanContext()) ? { context, settle: (outcome) => outcome } : undefined;
  }
  return {
    context,
    settle: (outcome, finish) =>
      outcome.then(
        (value) => {
          finish?.(span, value);
          span.end();
          return value;
        },
        (error: unknown) => {
          recordFailure(span, error);
          span.end();
          throw error;
        },
      ),
  };
}
