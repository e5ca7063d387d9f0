import { ImpactConfigError } from "../errors.js";

/**
 * How a client reaches the network: a `fetch` that adds no credential and never follows a redirect (a 3xx
 * comes back as the response, as with `redirect: "manual"` on Node.js). The flavor clients send their API
 * calls through it (unless given a `fetch` of their own), and `@impactkit/jobs` fetches signed storage URLs
 * with it — the same proxy and limits, none of the API's credentials.
 */
export interface Transport {
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
}

/**
 * How a transport reaches the network: the proxy every request goes through (as curl takes it,
 * https://curl.se/docs/manpage.html#-x) and how long a connection may take to open.
 */
export interface TransportOptions {
  /**
   * The proxy every request goes through, as curl, gh and the AWS CLI take it: an `http:`, `https:` or
   * `socks5:` URL, whose userinfo (if any) is sent as `Proxy-Authorization` and never shown. Default: the
   * `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY` variables (either case) on Node.js; `false`: none. Hosts
   * `NO_PROXY` names are reached directly either way.
   */
  proxy?: string | false | undefined;
  /** How long a TCP (and TLS) connection may take to open, in ms (default 10 s), apart from the time to the answer. */
  connectTimeoutMs?: number | undefined;
}

/** What `TransportOptions` say once checked. */
export interface ResolvedTransportOptions {
  proxy: URL | false | undefined;
  connectTimeoutMs: number;
}

/** https://curl.se/docs/manpage.html#-x and undici's `ProxyAgent`: the proxy schemes a transport speaks. */
const PROXY_SCHEMES = new Set(["http:", "https:", "socks5:", "socks:"]);

/** How long a transport waits for a TCP (and TLS) connection to open when `connectTimeoutMs` is not given, in ms. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

/** A proxy URL for messages: its scheme, host and port, never its userinfo. */
export function proxyOrigin(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

/**
 * A proxy as the option or a variable (`name`) gives it: a URL, or `host:port` read as http as curl reads it.
 * Errors name where it came from and never show its credentials.
 */
export function parseProxyUrl(value: string, name: string): URL {
  const expected = `${name} must be an http, https or socks5 URL such as http://proxy.example:3128`;
  let url: URL;
  try {
    url = new URL(value.includes("://") ? value : `http://${value}`);
  } catch {
    throw new ImpactConfigError(name, `${expected}; the value given is not a URL`);
  }
  if (!PROXY_SCHEMES.has(url.protocol) || url.hostname === "") throw new ImpactConfigError(name, `${expected}, got ${proxyOrigin(url)}`);
  return url;
}

/** Checks the transport options before any request; errors name the option and never show a proxy's credentials. */
export function resolveTransportOptions(options: TransportOptions): ResolvedTransportOptions {
  const { proxy, connectTimeoutMs = DEFAULT_CONNECT_TIMEOUT_MS } = options;
  if (!(typeof connectTimeoutMs === "number" && Number.isFinite(connectTimeoutMs) && connectTimeoutMs > 0)) {
    throw new ImpactConfigError(
      "connectTimeoutMs",
      `connectTimeoutMs must be a number of milliseconds above 0, got ${JSON.stringify(connectTimeoutMs) ?? String(connectTimeoutMs)}`,
    );
  }
  if (proxy === undefined || proxy === false) return { proxy, connectTimeoutMs };
  if (typeof proxy !== "string")
    throw new ImpactConfigError("proxy", "proxy must be an http, https or socks5 URL such as http://proxy.example:3128, or false for none");
  return { proxy: parseProxyUrl(proxy, "proxy"), connectTimeoutMs };
}
