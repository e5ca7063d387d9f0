import { ProtocolError } from "../base/errors.js";
import { safeUrl } from "../base/redact.js";

const LOOPBACK = /^(127(?:\.\d{1,3}){3}|\[::1\]|localhost)$/i;

/**
 * The URL a Download's 302 (or a storage redirect) points to, if it is safe to fetch: `https:` only, so
 * that a signed URL — a bearer credential — never travels in cleartext and a `data:` or `file:` URL can
 * never stand in for the result. `http:` is accepted only where the API itself is plain http on loopback
 * (the sandbox), and then only for a loopback host. Anything else is a `ProtocolError`, not retried.
 */
export function storageUrl(what: string, location: string, base: string): URL {
  let url: URL;
  try {
    url = new URL(location, base);
  } catch {
    throw new ProtocolError(what, undefined, "the storage URL the API sent is not a URL");
  }
  if (url.protocol === "https:") return url;
  const api = new URL(base);
  if (url.protocol === "http:" && api.protocol === "http:" && LOOPBACK.test(api.hostname) && LOOPBACK.test(url.hostname)) return url;
  const refused = url.protocol === "http:" ? `${safeUrl(url)}: a cleartext http URL (a signed URL must not travel unencrypted)` : `a ${url.protocol} URL`;
  throw new ProtocolError(what, undefined, `refused to fetch the result from ${refused}; only https storage URLs are fetched`);
}

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A response's `Location` as the URL its server meant. Header values arrive as bytes (RFC 9110 §5.5), which
 * Node.js's HTTP clients give as Latin-1 text; a server that puts UTF-8 in it (a result named `résultat.csv`)
 * is read as UTF-8, as browsers read a redirect's target. Anything else is kept as it came.
 */
export function locationOf(response: Response): string | null {
  const value = response.headers.get("location");
  if (value === null || !/[\u0080-\u00ff]/.test(value) || /[^\u0000-\u00ff]/.test(value)) return value;
  try {
    return UTF8.decode(Uint8Array.from(value, (character) => character.charCodeAt(0)));
  } catch {
    return value;
  }
}
