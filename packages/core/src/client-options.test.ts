import { afterEach, describe, expect, it, vi } from "vitest";
import { baseUrlFromEnvironment, resolveClientOptions, type ClientOptions } from "./client-options.js";
import { ImpactConfigError } from "./errors.js";

const valid: ClientOptions = { accountSid: "IRsid", authToken: "tok" };

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("resolveClientOptions", () => {
  it("defaults the base URL to https://api.impact.com", () => {
    vi.stubEnv("IMPACT_BASE_URL", "");
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

describe("IMPACT_BASE_URL, the base URL of a client given none", () => {
  it("is the base URL when set, checked and without its trailing slash", () => {
    vi.stubEnv("IMPACT_BASE_URL", "http://127.0.0.1:4010/");
    expect(resolveClientOptions(valid).baseUrl).toBe("http://127.0.0.1:4010");
  });

  it("gives way to the baseUrl option", () => {
    vi.stubEnv("IMPACT_BASE_URL", "http://127.0.0.1:4010");
    expect(resolveClientOptions({ ...valid, baseUrl: "https://proxy.example/impact" }).baseUrl).toBe("https://proxy.example/impact");
  });

  it("counts as unset when empty, as in the CLI", () => {
    vi.stubEnv("IMPACT_BASE_URL", "");
    expect(resolveClientOptions(valid).baseUrl).toBe("https://api.impact.com");
  });

  it.each([
    [
      "ftp://example.test",
      /^IMPACT_BASE_URL must use http or https, got ftp \(no baseUrl was passed, so the client reads IMPACT_BASE_URL; unset it or pass baseUrl\)$/,
    ],
    ["localhost:4010", /^IMPACT_BASE_URL must use http or https, got localhost /],
    ["not a url", /^IMPACT_BASE_URL must be an absolute http\(s\) URL, got "not a url"/],
    ["https://user:s3cret@api.impact.com", /^IMPACT_BASE_URL must not carry credentials/],
  ])("is refused, naming the variable, when it cannot work: %s", (value, message) => {
    vi.stubEnv("IMPACT_BASE_URL", value);
    expect(() => resolveClientOptions(valid)).toThrow(message);
    expect(() => resolveClientOptions(valid)).toThrow(expect.objectContaining({ name: "ImpactConfigError", option: "baseUrl" }));
    expect(() => resolveClientOptions(valid)).not.toThrow(/s3cret/);
  });

  it("is not read where there is no process (browsers, Workers) or where reading it is refused (Deno without --allow-env)", () => {
    expect(baseUrlFromEnvironment({})).toBeUndefined();
    expect(baseUrlFromEnvironment({ process: {} })).toBeUndefined();
    const refusing = new Proxy(
      {},
      {
        get() {
          throw new Error('NotCapable: Requires env access to "IMPACT_BASE_URL", run again with the --allow-env flag');
        },
      },
    );
    expect(baseUrlFromEnvironment({ process: { env: refusing } })).toBeUndefined();
    expect(baseUrlFromEnvironment({ process: { env: { IMPACT_BASE_URL: "http://127.0.0.1:4010" } } })).toBe("http://127.0.0.1:4010");
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
