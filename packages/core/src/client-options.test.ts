import { describe, expect, it } from "vitest";
import { resolveClientOptions, type ClientOptions } from "./client-options.js";
import { ImpactConfigError } from "./errors.js";

const valid: ClientOptions = { accountSid: "IRsid", authToken: "tok" };

describe("resolveClientOptions", () => {
  it("defaults the base URL to https://api.impact.com", () => {
    expect(resolveClientOptions(valid)).toEqual({ accountSid: "IRsid", authToken: "tok", baseUrl: "https://api.impact.com", headers: {} });
  });

  it("keeps a proxy's path prefix and drops trailing slashes", () => {
    expect(resolveClientOptions({ ...valid, baseUrl: "http://127.0.0.1:8080/impact//" }).baseUrl).toBe("http://127.0.0.1:8080/impact");
  });

  it.each<[string, Partial<ClientOptions> | null, string, RegExp]>([
    ["no options", null, "options", /needs an options object/],
    ["a missing SID", { accountSid: undefined as unknown as string }, "accountSid", /accountSid is required/],
    ["an empty token", { authToken: "" }, "authToken", /authToken is required/],
    ["a blank token", { authToken: "   " }, "authToken", /authToken is required/],
    ["a padded SID", { accountSid: " IRsid" }, "accountSid", /white space/],
    ["a SID with a colon", { accountSid: "IR:1" }, "accountSid", /must not contain ':'/],
    ["a relative URL", { baseUrl: "/api" }, "baseUrl", /absolute http\(s\) URL/],
    ["a file URL", { baseUrl: "file:///etc/passwd" }, "baseUrl", /must use http or https, got file/],
    ["credentials in the URL", { baseUrl: "https://user:pw@api.impact.com" }, "baseUrl", /must not carry credentials/],
    ["a query in the URL", { baseUrl: "https://api.impact.com/?x=1" }, "baseUrl", /query or a fragment/],
    ["an Authorization header", { headers: { authorization: "Bearer x" } }, "headers", /must not set authorization/],
    ["an IR-Version header", { headers: { "IR-Version": "12" } }, "headers", /must not set IR-Version/],
    ["a fetch that is not a function", { fetch: "fetch" as unknown as ClientOptions["fetch"] }, "fetch", /must be a function/],
    [
      "a header value with CR/LF",
      { headers: { "X-Trace": "t1\r\nX-Injected: s3cr3t-value" } },
      "headers",
      /^headers\.X-Trace must be text without CR, LF or NUL characters \(its value is not shown\)$/,
    ],
    ["a header name that is not a token", { headers: { "X Trace": "t1" } }, "headers", /^headers has a field name that is not an HTTP token: "X Trace"$/],
  ])("rejects %s before any request", (_case, change, option, message) => {
    const options = (change === null ? null : { ...valid, ...change }) as ClientOptions;
    expect(() => resolveClientOptions(options)).toThrow(message);
    expect(() => resolveClientOptions(options)).toThrow(expect.objectContaining({ name: "ImpactConfigError", option }));
    expect(() => resolveClientOptions(options)).toThrow(ImpactConfigError);
  });
});

describe("a header value that would end its field early", () => {
  it("is refused without showing the value", () => {
    const error = (() => {
      try {
        resolveClientOptions({ ...valid, headers: { "X-Trace": "t1\r\nX-Injected: s3cr3t-value" } });
      } catch (caught) {
        return caught as Error;
      }
      throw new Error("expected a refusal");
    })();
    expect(error.message).not.toContain("s3cr3t-value");
  });
});
