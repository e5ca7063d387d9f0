import { Agent, EnvHttpProxyAgent, type Dispatcher } from "undici";
import { dispatcherFetch } from "./dispatcher-fetch.js";
import { environmentVariable } from "../environment.js";
import { parseProxyUrl, proxyOrigin, resolveTransportOptions, type ResolvedTransportOptions, type Transport, type TransportOptions } from "./transport.js";

/** Connections one transport keeps open to one origin at most: parallel downloads share them, more requests queue. */
const CONNECTIONS_PER_ORIGIN = 32;

/**
 * The dispatcher of a transport: undici's `EnvHttpProxyAgent`, which takes `HTTPS_PROXY`, `HTTP_PROXY` and
 * `NO_PROXY` (either case) from the environment unless a `proxy` overrides both (a `CONNECT` tunnel for https
 * targets, absolute-form requests for http ones: RFC 9110 §9.3.6, RFC 9112 §3.2.2), or a plain `Agent` for
 * `proxy: false`. Connections open within `connectTimeoutMs`, to the proxy as to the target.
 */
function dispatcherOf({ connectTimeoutMs }: ResolvedTransportOptions, proxies: Proxies | false): Dispatcher {
  const options = { connections: CONNECTIONS_PER_ORIGIN, connect: { timeout: connectTimeoutMs }, proxyTls: { timeout: connectTimeoutMs } };
  // Without a proxy, a plain Agent: undici's EnvHttpProxyAgent would read the environment again itself.
  if (proxies === false || (proxies.http === undefined && proxies.https === undefined)) return new Agent(options);
  return new EnvHttpProxyAgent({
    ...options,
    ...(proxies.http ? { httpProxy: proxies.http.href } : {}),
    ...(proxies.https ? { httpsProxy: proxies.https.href } : {}),
  });
}

/** The proxy of each scheme (an https request goes through the https proxy, else the http one, as undici routes them). */
export interface Proxies {
  http: URL | undefined;
  https: URL | undefined;
}

const defaultPort = (url: URL) => url.port || ({ "https:": "443", "http:": "80" } as Record<string, string>)[url.protocol] || "1080";

/**
 * Says which proxy a failed request could not get through, on the error (`proxy`: its scheme, host and
 * port, never its credentials), so that the message names the proxy and not the target: a connection the
 * proxy refused or timed out, a proxy name that does not resolve, or the proxy's refusal of the request.
 */
function blameProxy(error: unknown, target: URL, proxies: Proxies): unknown {
  const proxy = target.protocol === "https:" ? (proxies.https ?? proxies.http) : proxies.http;
  if (!proxy || !(error instanceof Error)) return error;
  for (let at: unknown = error, depth = 0; at instanceof Error && depth < 8; at = at.cause, depth += 1) {
    const { address, port, hostname } = at as { address?: unknown; port?: unknown; hostname?: unknown };
    const reached = (address === proxy.hostname.replace(/^\[(.*)\]$/, "$1") && String(port) === defaultPort(proxy)) || hostname === proxy.hostname;
    if (reached || /^Proxy (response|Authentication)/.test(at.message)) return Object.assign(error, { proxy: proxyOrigin(proxy) });
  }
  return error;
}

/**
 * `https_proxy`/`HTTPS_PROXY` and `http_proxy`/`HTTP_PROXY` (the lower-case one first, as undici and curl read
 * them), each checked, and read as curl reads them: `host:port` is an http proxy. An empty one is unset.
 */
export function proxiesFromEnvironment(scope: object = globalThis): Proxies {
  const variable = (name: string) => {
    for (const key of [name.toLowerCase(), name]) {
      const value = environmentVariable(key, scope);
      if (value !== undefined) return parseProxyUrl(value, key);
    }
    return undefined;
  };
  return { http: variable("HTTP_PROXY"), https: variable("HTTPS_PROXY") };
}

/** Bun's own fetch honours the proxy variables, and takes a `proxy` per request (https://bun.sh/docs/api/fetch#proxying-requests). */
function bunTransport({ proxy }: ResolvedTransportOptions): Transport {
  return { fetch: (input, init) => globalThis.fetch(input, { ...init, ...(proxy ? { proxy: proxy.href } : {}) } as RequestInit) };
}

/** A transport on undici, whose failures name the proxy when it is the proxy that failed. */
function undiciTransport(resolved: ResolvedTransportOptions): Transport {
  const { proxy } = resolved;
  const proxies = proxy === false ? false : proxy ? { http: proxy, https: proxy } : proxiesFromEnvironment();
  const fetch = dispatcherFetch(dispatcherOf(resolved, proxies));
  return {
    fetch: async (input, init) => {
      try {
        return await fetch(input, init);
      } catch (error) {
        throw proxies ? blameProxy(error, new URL(input instanceof Request ? input.url : input), proxies) : error;
      }
    },
  };
}

let shared: Transport | undefined;

/**
 * The transport on Node.js (and Deno, through its Node.js compatibility): undici, with a proxy from the
 * environment or the options and a connect timeout; on Bun, Bun's fetch. Without options, every caller
 * shares one (and its pools of connections).
 */
export function createTransport(options: TransportOptions = {}): Transport {
  const resolved = resolveTransportOptions(options);
  const plain = options.proxy === undefined && options.connectTimeoutMs === undefined;
  if (plain && shared) return shared;
  const transport = (globalThis as { process?: { versions?: { bun?: string } } }).process?.versions?.bun ? bunTransport(resolved) : undiciTransport(resolved);
  if (plain) shared = transport;
  return transport;
}
