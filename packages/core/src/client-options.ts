import { environmentVariable } from "./environment.js";
import { ImpactConfigError } from "./errors.js";
import type { TransportOptions } from "./http/transport.js";

/** https://integrations.impact.com/impact-brand/reference/authentication: every API call goes to this host. */
export const DEFAULT_BASE_URL = "https://api.impact.com";

/** The environment variable a client's `baseUrl` defaults to when it is not given, as the `impactkit` CLI reads it. */
const BASE_URL_VARIABLE = "IMPACT_BASE_URL";

/** `IMPACT_BASE_URL` as `environmentVariable` reads it: unset where there is no environment or it may not be read, and when empty, as in the CLI. */
export function baseUrlFromEnvironment(scope: object = globalThis): string | undefined {
  return environmentVariable(BASE_URL_VARIABLE, scope);
}

/**
 * The base URL of a client not given one: `IMPACT_BASE_URL` when set (checked as `baseUrl` is, and an error
 * naming the variable when it cannot work), else `https://api.impact.com`.
 */
function defaultBaseUrl(): string {
  const fromEnvironment = baseUrlFromEnvironment();
  if (fromEnvironment === undefined) return DEFAULT_BASE_URL;
  return validateBaseUrl(fromEnvironment, BASE_URL_VARIABLE, ` (no baseUrl was passed, so the client reads ${BASE_URL_VARIABLE}; unset it or pass baseUrl)`);
}

/**
 * What a flavor package's `createClient` needs: the account's credentials, sent as HTTP Basic auth
 * (https://integrations.impact.com/impact-brand/reference/authentication), where the API is, and how requests
 * reach it — a fetch of your own, extra headers, and the transport's proxy and connect timeout.
 */
export interface ClientOptions extends TransportOptions {
  /** The account's SID: the HTTP Basic user name and the `{AccountSID}` of every path. */
  accountSid: string;
  /** The account's Auth Token: the HTTP Basic password. Never logged nor put in an error. */
  authToken: string;
  /**
   * Origin (and optional path prefix) of the API. Defaults to the `IMPACT_BASE_URL` environment variable when
   * it is set and not empty (where the runtime has `process.env`), else `https://api.impact.com`.
   */
  baseUrl?: string;
  /**
   * A fetch of your own for the API calls (one that records or signs them, say); by default they go through
   * the client's `transport`. Signed storage URLs never go through it.
   */
  fetch?: (input: Request) => Promise<Response>;
  /** Extra headers for every request (a `User-Agent`, say). `Authorization` and `IR-Version` are the client's own. */
  headers?: Record<string, string>;
}

/** `ClientOptions` once `resolveClientOptions` has checked them: the credentials, the base URL to use and the extra headers. */
export interface ResolvedOptions {
  accountSid: string;
  authToken: string;
  baseUrl: string;
  headers: Record<string, string>;
}

const RESERVED_HEADERS = new Set(["authorization", "ir-version"]);

function requireText(value: unknown, option: string, what: string): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw new ImpactConfigError(
      option,
      `${option} is required: pass ${what}, e.g. from the IMPACT_${option === "accountSid" ? "ACCOUNT_SID" : "AUTH_TOKEN"} environment variable`,
    );
  }
  if (value !== value.trim()) throw new ImpactConfigError(option, `${option} has leading or trailing white space`);
  return value;
}

/**
 * An API origin (and optional path prefix) as given by a user, checked: absolute http(s), no userinfo
 * (RFC 3986 §3.2.1: credentials go in headers, never in a URL that is logged), no query or fragment.
 * Returns it without a trailing slash. Every client of the project validates its base URL with it.
 */
export function validateBaseUrl(baseUrl: unknown, name = "baseUrl", hint = ""): string {
  const refuse = (problem: string) => new ImpactConfigError("baseUrl", `${name} ${problem}${hint}`);
  if (typeof baseUrl !== "string") throw refuse(`must be an absolute http(s) URL, got ${JSON.stringify(baseUrl) ?? String(baseUrl)}`);
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw refuse(`must be an absolute http(s) URL, got ${JSON.stringify(baseUrl)}`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw refuse(`must use http or https, got ${url.protocol.slice(0, -1)}`);
  if (url.username !== "" || url.password !== "") throw refuse("must not carry credentials: pass accountSid and authToken instead");
  if (url.search !== "" || url.hash !== "") throw refuse("must not have a query or a fragment");
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/** Checks the options before any request: a missing credential or a bad URL fails here, clearly. */
export function resolveClientOptions(options: ClientOptions): ResolvedOptions {
  if (options === null || typeof options !== "object") {
    throw new ImpactConfigError("options", "createClient needs an options object with accountSid and authToken");
  }
  const accountSid = requireText(options.accountSid, "accountSid", "the Account SID");
  if (accountSid.includes(":")) throw new ImpactConfigError("accountSid", "accountSid must not contain ':' (RFC 7617 §2)");
  const authToken = requireText(options.authToken, "authToken", "the Auth Token");
  const headers = { ...options.headers };
  for (const [name, value] of Object.entries(headers)) {
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new ImpactConfigError("headers", `headers must not set ${name}: the client sends it from accountSid/authToken and the package's API version`);
    }
    // RFC 9110 §5.1, §5.5: a field name is a token, and a value holds no CR, LF or NUL (which would end the field early).
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name))
      throw new ImpactConfigError("headers", `headers has a field name that is not an HTTP token: ${JSON.stringify(name)}`);
    if (typeof value !== "string" || /[\r\n\0]/.test(value))
      throw new ImpactConfigError("headers", `headers.${name} must be text without CR, LF or NUL characters (its value is not shown)`);
  }
  if (options.fetch !== undefined && typeof options.fetch !== "function") {
    throw new ImpactConfigError("fetch", "fetch must be a function");
  }
  return { accountSid, authToken, baseUrl: options.baseUrl === undefined ? defaultBaseUrl() : validateBaseUrl(options.baseUrl), headers };
}
