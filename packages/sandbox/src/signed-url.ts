import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Short-lived signed URLs of the storage origin, like the "temporary signed URL" a completed job's
 * Download redirects to (https://integrations.impact.com/impact-brand/reference/download-a-job):
 * `/results/<jobId>?expires=<epoch s>&signature=<HMAC-SHA256 of path and expiry>`.
 */
export class UrlSigner {
  readonly #secret: Buffer;

  constructor(secret: Buffer) {
    this.#secret = secret;
  }

  #signature(path: string, expires: number): string {
    return createHmac("sha256", this.#secret).update(`GET\n${path}\n${expires}`).digest("base64url");
  }

  sign(origin: string, jobId: string, expiresAtMs: number): string {
    const path = `/results/${jobId}`;
    const expires = Math.floor(expiresAtMs / 1000);
    return `${origin}${path}?expires=${expires}&signature=${this.#signature(path, expires)}`;
  }

  /** Checks a request's path and query: `ok` with the job id, or why it is refused. */
  verify(url: URL, nowMs: number): { ok: true; jobId: string } | { ok: false; reason: "malformed" | "tampered" | "expired" } {
    const match = /^\/results\/([0-9a-f-]{36})$/.exec(url.pathname);
    const expires = Number(url.searchParams.get("expires"));
    const signature = url.searchParams.get("signature") ?? "";
    if (!match || !Number.isInteger(expires) || signature === "") return { ok: false, reason: "malformed" };
    const expected = Buffer.from(this.#signature(url.pathname, expires));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "tampered" };
    if (nowMs >= expires * 1000) return { ok: false, reason: "expired" };
    return { ok: true, jobId: match[1]! };
  }
}
