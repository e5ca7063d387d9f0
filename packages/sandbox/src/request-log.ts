/** One request as a server saw it, with credentials redacted. */
export interface LoggedRequest {
  origin: "api" | "storage";
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  /** Header names (lower case) and values; credential values are replaced by `[redacted]`. */
  headers: Record<string, string>;
  status?: number;
  /** The fault injected into the response, if any. */
  fault?: string;
  /** Set when the storage origin received the request on its cleartext listener (`sandbox.cleartextStorageUrl`). */
  listener?: "cleartext";
}

const SECRET_HEADERS = new Set(["authorization", "proxy-authorization", "cookie", "x-api-key", "x-auth-token"]);

/** A URL's query as a record; a repeated parameter as an array. */
export function queryOf(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const values = url.searchParams.getAll(key);
    query[key] = values.length === 1 ? values[0]! : values;
  }
  return query;
}

/** The log entry of a request as it arrives; its status and fault are filled in as it is answered. */
export function logEntry(origin: LoggedRequest["origin"], method: string, url: URL, rawHeaders: NodeJS.Dict<string | string[]>): LoggedRequest {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawHeaders)) {
    if (value === undefined) continue;
    headers[name] = SECRET_HEADERS.has(name) ? "[redacted]" : Array.isArray(value) ? value.join(", ") : value;
  }
  const query = queryOf(url);
  if ("signature" in query) query["signature"] = "[redacted]";
  return { origin, method, path: url.pathname, query, headers };
}
