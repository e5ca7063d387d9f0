/**
 * Text from servers, URLs and lower layers' errors, cleaned of what must never be shown: the userinfo of
 * a URL (RFC 3986 §3.2.1 deprecates passwords in it), the query of a URL (a signed storage URL's query is
 * its credential: signature, key id, expiry), and HTTP Basic credentials (RFC 7617) a server may echo.
 */
const URL_PATTERN = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'<>]*@)?([^\s/?#"'<>]*)([^\s?#"'<>]*)(\?[^\s#"'<>]*)?(#[^\s"'<>]*)?/gi;
const BASIC_PATTERN = /\b(Basic)\s+[A-Za-z0-9+/=._~-]{4,}/gi;

const REDACTED = "[redacted]";

/** `text` with URL userinfo and queries, Basic credentials and each of `secrets` replaced by `[redacted]`. */
export function redact(text: string, secrets: readonly string[] = []): string {
  let clean = text
    .replace(
      URL_PATTERN,
      (_match, scheme: string, userinfo: string | undefined, host: string, path: string, query: string | undefined, fragment: string | undefined) =>
        `${scheme}${userinfo ? `${REDACTED}@` : ""}${host}${path}${query ? `?${REDACTED}` : ""}${fragment ?? ""}`,
    )
    .replace(BASIC_PATTERN, `$1 ${REDACTED}`);
  for (const secret of secrets) if (secret.length >= 4) clean = clean.split(secret).join(REDACTED);
  return clean;
}

/** A URL for messages: its origin and path, no userinfo, no query (see `redact`). */
export function safeUrl(url: URL | string): string {
  return redact(String(url));
}

/**
 * An error from a lower layer (fetch, undici, the file system) made safe to keep as a `cause`: the same
 * name, message and code with everything `redact` removes, and its own cause cleaned the same way.
 */
export function safeCause(error: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (!(error instanceof Error)) return typeof error === "string" ? redact(error, secrets) : error;
  const copy = new Error(
    redact(error.message, secrets),
    depth < 4 && error.cause !== undefined ? { cause: safeCause(error.cause, secrets, depth + 1) } : undefined,
  );
  copy.name = error.name;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string") Object.assign(copy, { code });
  copy.stack = `${copy.name}: ${copy.message}`;
  return copy;
}
