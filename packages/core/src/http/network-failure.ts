/**
 * What a failed request's lower layers (undici, Node.js's sockets and TLS, a runtime's fetch) say, read into
 * one of a few kinds — the one registry of them — with whether trying again can help.
 */
export type NetworkFailureKind = "tls" | "protocol" | "proxy" | "dns" | "connect" | "timeout" | "reset";

/** A failed request's lower layers read: the kind of failure, whether trying again can help, and the cause's own code and words. */
export interface NetworkFailure {
  kind: NetworkFailureKind;
  /** Whether another attempt may succeed (a refused connection may; an expired certificate will not). */
  transient: boolean;
  /** The deepest code in the error's causes: `CERT_HAS_EXPIRED`, `ECONNREFUSED`, `UND_ERR_CONNECT_TIMEOUT`… */
  code: string | undefined;
  /** The deepest cause's own words, such as `certificate has expired`. */
  detail: string;
  /** The proxy (scheme, host and port) the request could not get through, when it was the proxy that failed. */
  proxy: string | undefined;
}

/** TLS codes of OpenSSL's verification (x509 `X509_V_ERR_*` as Node.js names them) and Node.js's own TLS errors. */
const TLS_CODES = new Set([
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "HOSTNAME_MISMATCH",
  "EPROTO",
]);

/** undici's codes (https://undici.nodejs.org/#/docs/api/Errors) and Node.js's, by kind; transient ones may pass. */
const KINDS: ReadonlyArray<{ kind: NetworkFailureKind; transient: boolean; matches: (code: string, name: string) => boolean }> = [
  { kind: "tls", transient: false, matches: (code) => TLS_CODES.has(code) || /^(ERR_TLS_|ERR_SSL_|CERT_)/.test(code) },
  {
    kind: "protocol",
    transient: false,
    matches: (code, name) =>
      name === "HTTPParserError" ||
      code.startsWith("HPE_") ||
      code.startsWith("ERR_IMPACTKIT_") ||
      code === "UND_ERR_HEADERS_OVERFLOW" ||
      code === "UND_ERR_RES_EXCEEDED_MAX_SIZE",
  },
  { kind: "dns", transient: false, matches: (code) => code === "ENOTFOUND" },
  { kind: "dns", transient: true, matches: (code) => code === "EAI_AGAIN" },
  {
    kind: "timeout",
    transient: true,
    matches: (code) => code === "UND_ERR_CONNECT_TIMEOUT" || code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT" || code === "ETIMEDOUT",
  },
  {
    kind: "connect",
    transient: true,
    matches: (code) => code === "ECONNREFUSED" || code === "EHOSTUNREACH" || code === "ENETUNREACH" || code === "EADDRNOTAVAIL",
  },
  {
    kind: "reset",
    transient: true,
    matches: (code) =>
      code === "ECONNRESET" ||
      code === "EPIPE" ||
      code === "ECONNABORTED" ||
      code === "UND_ERR_SOCKET" ||
      code === "UND_ERR_CLOSED" ||
      code === "UND_ERR_RES_CONTENT_LENGTH_MISMATCH",
  },
];

/** undici's words when a proxy answers a tunnel or a forwarded request with an error status. */
const PROXY_REFUSAL = /^Proxy (?:response \((\d{3})\) !== 200 when HTTP Tunneling|Authentication Required \((407)\))/;

interface Layer {
  name: string;
  message: string;
  code: string | undefined;
  proxy: string | undefined;
}

/** The error and its causes, outermost first (at most 8: a cycle or a deep chain ends there). */
function layers(error: unknown): Layer[] {
  const found: Layer[] = [];
  for (let at = error, depth = 0; at instanceof Error && depth < 8; at = at.cause, depth += 1) {
    const { code, proxy } = at as { code?: unknown; proxy?: unknown };
    found.push({ name: at.name, message: at.message, code: typeof code === "string" ? code : undefined, proxy: typeof proxy === "string" ? proxy : undefined });
  }
  return found;
}

/**
 * Reads a failed request's error (a fetch's `TypeError("fetch failed")` and its causes): the kind of failure,
 * its deepest code and words, and the proxy at fault if a transport said so. `undefined` when nothing in it
 * is a network failure this registry knows (an abort, a bug).
 */
export function describeNetworkFailure(error: unknown): NetworkFailure | undefined {
  const chain = layers(error);
  const proxy = chain.find((layer) => layer.proxy)?.proxy;
  for (const layer of [...chain].reverse()) {
    const refusal = PROXY_REFUSAL.exec(layer.message);
    if (refusal) {
      const status = Number(refusal[1] ?? refusal[2]);
      return {
        kind: "proxy",
        transient: status >= 500,
        code: layer.code,
        detail: `the proxy answered HTTP ${status}${status === 407 ? " (it needs credentials, or refused the ones given)" : ""}`,
        proxy,
      };
    }
    const known = KINDS.find(({ matches }) => matches(layer.code ?? "", layer.name));
    if (known) return { kind: known.kind, transient: known.transient, code: layer.code, detail: layer.message, proxy };
  }
  return undefined;
}
