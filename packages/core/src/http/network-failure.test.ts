import { describe, expect, it } from "vitest";
import { describeNetworkFailure } from "./network-failure.js";

/** A fetch failure as runtimes throw it: `TypeError("fetch failed")` over the lower layer's error. */
function fetchFailed(cause: { name?: string; message: string; code?: string }): TypeError {
  const inner = Object.assign(new Error(cause.message), cause.code ? { code: cause.code } : {});
  if (cause.name) inner.name = cause.name;
  return new TypeError("fetch failed", { cause: inner });
}

describe("describeNetworkFailure: the one registry of network failures", () => {
  it.each<[{ name?: string; message: string; code?: string }, string, boolean]>([
    [{ message: "certificate has expired", code: "CERT_HAS_EXPIRED" }, "tls", false],
    [{ message: "Hostname/IP does not match certificate's altnames", code: "ERR_TLS_CERT_ALTNAME_INVALID" }, "tls", false],
    [{ message: "self-signed certificate", code: "DEPTH_ZERO_SELF_SIGNED_CERT" }, "tls", false],
    [{ name: "HTTPParserError", message: "Response does not match the HTTP/1.1 protocol (Invalid character in chunk size)" }, "protocol", false],
    [
      { name: "ResponseFramingError", message: 'the response\'s Transfer-Encoding is "gzip, chunked"', code: "ERR_IMPACTKIT_TRANSFER_CODING" },
      "protocol",
      false,
    ],
    [{ message: "Headers Overflow Error", code: "UND_ERR_HEADERS_OVERFLOW" }, "protocol", false],
    [{ message: "getaddrinfo ENOTFOUND api.impact.test", code: "ENOTFOUND" }, "dns", false],
    [{ message: "getaddrinfo EAI_AGAIN api.impact.com", code: "EAI_AGAIN" }, "dns", true],
    [{ message: "Connect Timeout Error", code: "UND_ERR_CONNECT_TIMEOUT" }, "timeout", true],
    [{ message: "connect ECONNREFUSED 127.0.0.1:443", code: "ECONNREFUSED" }, "connect", true],
    [{ message: "other side closed", code: "UND_ERR_SOCKET" }, "reset", true],
    [{ message: "read ECONNRESET", code: "ECONNRESET" }, "reset", true],
  ])("reads %j as %s (transient: %s)", (cause, kind, transient) => {
    expect(describeNetworkFailure(fetchFailed(cause))).toEqual({ kind, transient, code: cause.code, detail: cause.message, proxy: undefined });
  });

  it("reads a proxy's refusal: 407 is final, a 502 may pass", () => {
    expect(describeNetworkFailure(fetchFailed({ message: "Proxy response (502) !== 200 when HTTP Tunneling", code: "UND_ERR_ABORTED" }))).toMatchObject({
      kind: "proxy",
      transient: true,
      detail: "the proxy answered HTTP 502",
    });
    expect(describeNetworkFailure(fetchFailed({ message: "Proxy Authentication Required (407)", code: "UND_ERR_INVALID_ARG" }))).toMatchObject({
      kind: "proxy",
      transient: false,
    });
  });

  it("knows nothing of an abort or an error that is not a network failure", () => {
    expect(describeNetworkFailure(new DOMException("stop", "AbortError"))).toBeUndefined();
    expect(describeNetworkFailure(new TypeError("fetch failed"))).toBeUndefined();
    expect(describeNetworkFailure("text")).toBeUndefined();
  });
});
