import { describeNetworkFailure } from "@impactkit/core";
import { causeText, ConnectionError, ProtocolError, RequestTimeoutError, type TransportError } from "../base/errors.js";
import { redact } from "../base/redact.js";

/**
 * A request that failed below the HTTP answers, as the error a caller sees: what failed (`what`), where (the
 * `host`, or the proxy in the way — never a URL's query or credentials), why (the lower layer's words and
 * code), and whether another attempt can help (`transient`: a refused or dropped connection may pass; a
 * certificate, a malformed response or a name that does not resolve will not).
 */
export function transportFailure(what: string, host: string, error: unknown): { error: TransportError; transient: boolean } {
  if ((error as Error | undefined)?.name === "TimeoutError") {
    return { error: new RequestTimeoutError(what, error, `cannot reach ${host}: ${(error as Error).message}`), transient: true };
  }
  const failure = describeNetworkFailure(error);
  if (!failure)
    return {
      error: new ConnectionError(what, error, `cannot reach ${host}: ${redact(error instanceof Error ? causeText(error) : String(error))}`),
      transient: true,
    };
  const { kind, proxy, transient } = failure;
  // The lower layer's words may quote a URL: its query and userinfo never reach a message.
  const detail = redact(failure.detail);
  const code = failure.code && !detail.includes(failure.code) ? ` (${failure.code})` : "";
  const via = proxy ? ` through the proxy ${proxy}` : "";
  switch (kind) {
    case "tls":
      return { error: new ConnectionError(what, error, `the TLS connection to ${host}${via} was refused: ${detail}${code}`, failure.code), transient };
    case "protocol":
      return { error: new ProtocolError(what, error, `${proxy ?? host} sent a malformed HTTP response: ${detail}${code}`, failure.code), transient };
    case "dns":
      return {
        error: new ConnectionError(what, error, `cannot reach ${proxy ? `the proxy ${proxy}` : host}: the name does not resolve${code}`, failure.code),
        transient,
      };
    case "proxy":
      return { error: new ConnectionError(what, error, `cannot reach ${host}${via}: ${detail}`, failure.code), transient };
    default:
      return { error: new ConnectionError(what, error, `cannot reach ${proxy ? `the proxy ${proxy}` : host}: ${detail}${code}`, failure.code), transient };
  }
}
