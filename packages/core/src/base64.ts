/**
 * Base64 of `text`'s UTF-8 bytes (RFC 4648 §4), or with `url` the URL-safe alphabet without padding
 * (§5) — with the `btoa` every runtime has (Node.js, browsers, Deno, Workers), not Node's `Buffer`.
 */
export function utf8ToBase64(text: string, url = false): string {
  let binary = "";
  for (const byte of new TextEncoder().encode(text)) binary += String.fromCharCode(byte);
  const encoded = btoa(binary);
  return url ? encoded.replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "") : encoded;
}

/** The text whose UTF-8 bytes `encoded` holds, in either alphabet, padded or not; throws on anything that is not base64. */
export function base64ToUtf8(encoded: string): string {
  const standard = encoded.replaceAll("-", "+").replaceAll("_", "/");
  const binary = atob(standard.padEnd(standard.length + ((4 - (standard.length % 4)) % 4), "="));
  return new TextDecoder("utf-8", { fatal: true }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
}
