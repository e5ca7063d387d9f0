import { createServer } from "node:net";
import { createClient } from "@impactkit/partner-v15";
import { describe, expect, it } from "vitest";
import { createJobs } from "../api/create-jobs.js";
import { ConnectionError } from "./errors.js";
import { rejection, sendJson, startFakeApi } from "../testing.js";

const failed = (cause: Error) => new ConnectionError("GET /Jobs", new TypeError("fetch failed", { cause }));

describe('a connection failure says what lies under fetch\'s "fetch failed"', () => {
  it("names the network error's code, or else the cause's own message", () => {
    expect(failed(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })).message).toBe(
      "GET /Jobs failed: fetch failed (ECONNREFUSED)",
    );
    expect(failed(Object.assign(new Error("getaddrinfo ENOTFOUND api.example"), { code: "ENOTFOUND" })).message).toBe(
      "GET /Jobs failed: fetch failed (ENOTFOUND)",
    );
    expect(failed(new Error("bad port")).message).toBe("GET /Jobs failed: fetch failed: bad port");
  });

  it("against a port nobody listens on: names the host and keeps the code", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const { port } = probe.address() as { port: number };
    await new Promise((resolve) => probe.close(resolve));
    const jobs = createJobs(createClient({ accountSid: "IR1", authToken: "t", baseUrl: `http://127.0.0.1:${port}` }), { retries: 0 });
    const error = await rejection(jobs.list());
    expect(error).toBeInstanceOf(ConnectionError);
    expect([(error as Error).message, (error as ConnectionError).causeCode, (error as ConnectionError).code]).toEqual([
      `GET /Jobs failed: cannot reach 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
      "ECONNREFUSED",
      "IMPACTKIT_CONNECTION",
    ]);
  });
});

/** Arguments each error class can be made with, where `(what, status, body)` does not fit. */
const ARGUMENTS: Record<string, unknown[]> = {
  JobFailedError: [{ Id: "x", Status: "FAILED" }],
  ImpactConfigError: ["baseUrl", "x"],
  ExportRefusedError: ["x", "no"],
  ExportQuotaError: ["ReportExport", 100, 0],
  RateLimitError: ["x", undefined, undefined],
  RateLimitWaitError: ["x", 1, 0, 0],
  JobTimeoutError: ["x", 1, undefined],
  JobAbortedError: ["x", undefined],
  TransportError: ["x", new Error("y")],
  ConnectionError: ["x", new Error("y")],
  RequestTimeoutError: ["x", new Error("y")],
  ProtocolError: ["x", new Error("y")],
  DownloadError: ["x"],
};

describe("every error has a stable code, under one root", () => {
  it("gives each class its own IMPACTKIT_ code, core's config errors included", async () => {
    const errors = await import("../index.js");
    const { ImpactConfigError } = await import("@impactkit/core");
    const classes = Object.entries({ ...errors, ImpactConfigError }).filter(([name, value]) => typeof value === "function" && /Error$/.test(name)) as Array<
      [string, new (...args: never[]) => Error]
    >;
    const codes = new Map<string, string>();
    for (const [name, type] of classes) {
      const instance = Object.create(type.prototype) as { code?: string };
      const code = Reflect.construct(type, ARGUMENTS[name] ?? ["x", 400, undefined]) as { code: string };
      expect(instance).toBeInstanceOf(errors.ImpactkitError);
      expect(code.code, name).toMatch(/^IMPACTKIT_[A-Z_]+$/);
      codes.set(name, code.code);
    }
    expect(classes.length).toBeGreaterThanOrEqual(20);
    expect(new Set(codes.values()).size, JSON.stringify([...codes])).toBe(codes.size);
    expect(new ImpactConfigError("authToken", "x")).toBeInstanceOf(errors.InvalidArgumentError);
  });

  it("answers 401, 403, 404 and 429 with the ApiError subclass callers branch on, other statuses with ApiError", async () => {
    const { AuthenticationError, PermissionDeniedError, NotFoundError, RateLimitError, ApiError } = await import("./errors.js");
    const statuses = [401, 403, 404, 429, 400];
    const byStatus = await Promise.all(
      statuses.map(async (status) => {
        const only = await startFakeApi((_request, response) => sendJson(response, status, { Message: "no" }));
        try {
          return await rejection(
            createJobs(createClient({ accountSid: "IRCODES", authToken: "token", baseUrl: only.url }), { retries: 0 }).get(
              "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f",
            ),
          );
        } finally {
          await only.close();
        }
      }),
    );
    expect(byStatus.map((error) => [(error as Error).constructor, (error as { code: string }).code])).toEqual([
      [AuthenticationError, "IMPACTKIT_API_UNAUTHORIZED"],
      [PermissionDeniedError, "IMPACTKIT_API_FORBIDDEN"],
      [NotFoundError, "IMPACTKIT_API_NOT_FOUND"],
      [RateLimitError, "IMPACTKIT_RATE_LIMITED"],
      [ApiError, "IMPACTKIT_API_ERROR"],
    ]);
  });
});
