import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { redact, safeCause, safeUrl } from "./redact.js";

describe("redact", () => {
  it("removes URL userinfo and queries, keeping origin and path", () => {
    expect(safeUrl("https://user:pa55@storage.example/bucket/r.csv?X-Amz-Signature=abc&X-Amz-Credential=AKIA")).toBe(
      "https://[redacted]@storage.example/bucket/r.csv?[redacted]",
    );
    expect(redact("GET https://api.example/Jobs/1 failed; see http://h:8080/p?sig=s3cr3t#frag")).toBe(
      "GET https://api.example/Jobs/1 failed; see http://h:8080/p?[redacted]#frag",
    );
  });

  it("removes HTTP Basic credentials a server echoes, and given secrets", () => {
    expect(redact("bad header Authorization: Basic SVJTQU5EQk9YMDAwMTpzYW5kYm94LXRva2Vu here")).toBe("bad header Authorization: Basic [redacted] here");
    expect(redact("token sandbox-token was refused", ["sandbox-token"])).toBe("token [redacted] was refused");
  });

  it("makes a cause safe for util.inspect, keeping its name and code", () => {
    const inner = Object.assign(new Error("connect to https://u:p@h/x?signature=zz failed"), { code: "ECONNREFUSED" });
    const outer = new TypeError("fetch failed", { cause: inner });
    const safe = safeCause(outer) as Error & { cause: Error & { code: string } };
    expect(safe).toMatchObject({ name: "TypeError", message: "fetch failed" });
    expect(safe.cause).toMatchObject({ code: "ECONNREFUSED", message: "connect to https://[redacted]@h/x?[redacted] failed" });
    expect(inspect(safe, { depth: 5 })).not.toMatch(/signature=zz|u:p@/);
  });
});
