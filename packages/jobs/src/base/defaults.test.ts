import { describe, expect, it } from "vitest";
import { createClient } from "@impactkit/partner-v15";
import { jobsContext } from "../api/create-jobs.js";
import { DEFAULT_POLL_POLICY, DEFAULTS } from "./defaults.js";
import * as main from "../index.js";

describe("the defaults", () => {
  it("are what an instance given no options runs with", () => {
    const context = jobsContext(createClient({ accountSid: "IR1", authToken: "t" }));
    expect(context.call).toMatchObject({
      retries: DEFAULTS.retries,
      requestTimeoutMs: DEFAULTS.requestTimeoutMs,
      callTimeoutMs: DEFAULTS.callTimeoutMs,
      idleTimeoutMs: DEFAULTS.idleTimeoutMs,
      maxRateLimitWaitMs: DEFAULTS.maxRateLimitWaitMs,
    });
    expect([context.timeoutMs, context.connections]).toEqual([DEFAULTS.timeoutMs, DEFAULTS.connections]);
    expect(DEFAULTS).toMatchObject({
      retries: 4,
      concurrency: 8,
      connections: 8,
      timeoutMs: 3_600_000,
      requestTimeoutMs: 30_000,
      callTimeoutMs: 120_000,
      idleTimeoutMs: 30_000,
      downloadAttempts: 5,
    });
    expect(DEFAULT_POLL_POLICY).toEqual({ firstDelayMs: 6_000, minDelayMs: 1_000, maxDelayMs: 30_000, factor: 1.6, jitter: 0.2 });
  });

  it("are on the main entry point, and the engine's internals are not", () => {
    expect(main).toMatchObject({ DEFAULTS, DEFAULT_POLL_POLICY });
    for (const internal of ["PollEngine", "RateGate", "readRateLimit", "parseRetryAfter", "pollDelay", "resolvePollPolicy", "systemTiming"])
      expect(main).not.toHaveProperty(internal);
  });
});
