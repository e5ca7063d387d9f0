import { describe, expect, it } from "vitest";
import { basicAuthorization } from "./basic-auth.js";

describe("basicAuthorization", () => {
  it("encodes user-id:password as base64 (RFC 7617 §2 example)", () => {
    expect(basicAuthorization("Aladdin", "open sesame")).toBe("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
  });

  it("encodes non-ASCII as UTF-8 (RFC 7617 §2.1)", () => {
    expect(basicAuthorization("test", "123£")).toBe("Basic dGVzdDoxMjPCow==");
  });
});
