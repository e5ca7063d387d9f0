import { context, trace } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { InvalidArgumentError, NotFoundError } from "./errors.js";
import { errorType, inSpan, openSpan, tracer } from "./tracing.js";

// No SDK is registered in this file: the API's no-op, as in an application that does not trace.
describe("tracing without an SDK", () => {
  it("records nothing and holds nothing: spans do not record, and work that settles later keeps no span", async () => {
    expect(tracer.startSpan("probe").isRecording()).toBe(false);
    expect(openSpan("jobs.wait", { "impactkit.job.id": "x" })).toBeUndefined();
    await expect(inSpan("jobs.download", {}, async () => "ran")).resolves.toBe("ran");
    await expect(inSpan("jobs.download", {}, () => Promise.reject(new InvalidArgumentError("bad")))).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(trace.getSpan(context.active())).toBeUndefined();
  });
});

describe("errorType", () => {
  it("is the error's stable code, else its name, else _OTHER", () => {
    expect(errorType(new NotFoundError("GET /Jobs/x", 404, undefined))).toBe("IMPACTKIT_API_NOT_FOUND");
    expect(errorType(Object.assign(new Error("reset"), { code: "ECONNRESET" }))).toBe("ECONNRESET");
    expect(errorType(new TypeError("x"))).toBe("TypeError");
    expect(errorType("a string")).toBe("_OTHER");
    expect(errorType(undefined)).toBe("_OTHER");
  });
});
