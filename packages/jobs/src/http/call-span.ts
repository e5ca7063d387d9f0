import { type Attributes, context as contexts, type Span, SpanKind, trace } from "@opentelemetry/api";
import { errorType, recordFailure, tracer } from "../base/tracing.js";

/** The methods a `what` may start with: the HTTP methods of RFC 9110 §9 and PATCH. */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"]);

/**
 * The span of one API call, its retries included, as the HTTP client conventions describe one
 * (https://opentelemetry.io/docs/specs/semconv/http/http-spans/#http-client-span): kind CLIENT, named
 * `{method} {template}` — `GET /Jobs/{JobId}`, never a job id nor a query —, with `http.request.method`,
 * `server.address` and `server.port`, `url.template` (the account's base path and the template), the last
 * answer's `http.response.status_code`, `impactkit.attempts` and `impactkit.rate_limit.remaining` (when the
 * answer said), rate-limit waits and retries as events, and a failure's `code` as `error.type` and status.
 * Nothing of the request's headers, credentials or URL's query is read: a Download's 302 is recorded by its
 * status only, never its signed `Location`. Without an SDK every method returns at once.
 */
export class CallSpan {
  readonly #span: Span;
  readonly #recording: boolean;
  #attempts = 0;

  /**
   * `template` is the call's method and path template (`GET /Jobs/{JobId}`); a call without one is named
   * after the first word of `what` (`ReportExport`, or `GET` alone): never a path that holds an id.
   */
  constructor(what: string, template: string | undefined, host: string, basePath: string | undefined) {
    const [first = "HTTP", path] = (template ?? what).split(" ", 2);
    const method = METHODS.has(first) ? first : undefined;
    const named = template !== undefined && path !== undefined;
    const attributes: Attributes = {};
    if (method) attributes["http.request.method"] = method;
    const port = /:(\d+)$/.exec(host);
    attributes["server.address"] = (port ? host.slice(0, port.index) : host).replace(/^\[(.*)\]$/, "$1");
    // A port the host names is not the scheme's default (the URL standard drops that): the conventions ask for it then.
    if (port) attributes["server.port"] = Number(port[1]);
    if (named) attributes["url.template"] = `${basePath ?? ""}${path}`;
    this.#span = tracer.startSpan(named ? `${method ?? first} ${path}` : first, { kind: SpanKind.CLIENT, attributes });
    this.#recording = this.#span.isRecording();
  }

  /**
   * Runs the call with its span active — so that an HTTP instrumentation's spans of each attempt are its
   * children — and ends the span with its outcome.
   */
  async run<T>(call: () => Promise<T>): Promise<T> {
    if (!this.#recording) {
      this.#span.end();
      return call();
    }
    try {
      return await contexts.with(trace.setSpan(contexts.active(), this.#span), call);
    } catch (error) {
      recordFailure(this.#span, error);
      throw error;
    } finally {
      this.#span.setAttribute("impactkit.attempts", this.#attempts);
      this.#span.end();
    }
  }

  /** A request is sent. */
  attempt(): void {
    this.#attempts += 1;
  }

  /** An answer came: its status, and the requests left in the rate-limit window when it said. */
  answered(status: number, remaining: number | undefined): void {
    if (!this.#recording) return;
    this.#span.setAttribute("http.response.status_code", status);
    if (remaining !== undefined) this.#span.setAttribute("impactkit.rate_limit.remaining", remaining);
  }

  /** The next request waits `waitMs` for the account's rate limit (its budget spent, spaced out, or a 429's `Retry-After`). */
  rateLimitWait(waitMs: number, remaining: number | undefined): void {
    if (!this.#recording) return;
    this.#span.addEvent("impactkit.rate_limit.wait", {
      "impactkit.rate_limit.wait_ms": waitMs,
      ...(remaining === undefined ? {} : { "impactkit.rate_limit.remaining": remaining }),
    });
  }

  /** The attempt failed with `error` and another comes in `delayMs`. */
  retrying(error: unknown, delayMs: number): void {
    if (!this.#recording) return;
    this.#span.addEvent("impactkit.retry", { "impactkit.attempt": this.#attempts, "impactkit.retry.delay_ms": delayMs, "error.type": errorType(error) });
  }
}
