import { describe, expect, it } from "vitest";
import { UrlSigner } from "./signed-url.js";

const signer = new UrlSigner(Buffer.alloc(32, 7));
const id = "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f";

describe("UrlSigner", () => {
  const url = new URL(signer.sign("http://127.0.0.1:9", id, 60_000));

  it("accepts its own URL until it expires", () => {
    expect(signer.verify(url, 59_999)).toEqual({ ok: true, jobId: id });
    expect(signer.verify(url, 60_000)).toEqual({ ok: false, reason: "expired" });
  });

  it("refuses a changed expiry, job or signature, and another signer's URL", () => {
    const later = new URL(url);
    later.searchParams.set("expires", "999999");
    expect(signer.verify(later, 0)).toEqual({ ok: false, reason: "tampered" });
    expect(signer.verify(new URL(url.href.replace(id, "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915e")), 0)).toEqual({ ok: false, reason: "tampered" });
    expect(new UrlSigner(Buffer.alloc(32, 8)).verify(url, 0)).toEqual({ ok: false, reason: "tampered" });
    expect(signer.verify(new URL("http://127.0.0.1:9/results/x"), 0)).toEqual({ ok: false, reason: "malformed" });
  });
});
