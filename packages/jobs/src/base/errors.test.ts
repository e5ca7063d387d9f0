import { createServer } from "node:net";
import { createClient } from "@impactkit/partner-v15";
import { describe, expect, it } from "vitest";
import { createJobs } from "../api/create-jobs.js";
import { ConnectionError } from "./errors.js";
import { rejection } from "../testing.js";

const failed = (cause: Error) => new ConnectionError("GET /Jobs", new TypeError("fetch failed", { cause }));

describe("a connection failure says what lies under fetch's \"fetch failed\"", () => {
  it("names the network error's code, or else the cause's own message", () => {
    expect(failed(Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" })).message).toBe("GET /Jobs failed: fetch failed (ECONNREFUSED)");
    expect(failed(Object.assign(new Error("getaddrinfo ENOTFOUND api.example"), { code: "ENOTFOUND" })).message).toBe("GET /Jobs failed: fetch failed (ENOTFOUND)");
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
    expect([(error as Error).message, (error as ConnectionError).code]).toEqual([`GET /Jobs failed: cannot reach 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`, "ECONNREFUSED"]);
  });
});
