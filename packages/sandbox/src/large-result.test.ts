import { createHash } from "node:crypto";
import { get, type IncomingMessage } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSandbox, type Sandbox } from "./sandbox.js";
import { clientsFor, queuedJobId } from "./testing/support.js";

const GiB = 1024 ** 3;
const ROW_BYTES = 47;
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual", job: { queueMs: 0, runMs: 0, rows: Math.ceil((2.25 * GiB) / ROW_BYTES) } });
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

describe("a multi-GiB result", () => {
  it("streams from the storage origin with its full Content-Length in flat memory, byte-identical to its sha256", async () => {
    const { partner } = clientsFor(sandbox);
    const { data } = await partner.GET("/ReportExport/{Id}", {
      params: { path: { Id: "mp_action_listing_fast" }, query: { START_DATE: "2026-11-01", END_DATE: "2026-11-30" } },
    });
    const jobId = queuedJobId(data);
    const { response } = await partner.GET("/Jobs/{JobId}/Download", {
      params: { path: { JobId: jobId } },
      fetch: (request: Request) => fetch(request, { redirect: "manual" }),
      parseAs: "text",
    });
    // node:http rather than fetch: the bytes are the subject, and fetch's web streams would triple the test's time.
    const download = await new Promise<IncomingMessage>((resolve, reject) => get(response.headers.get("location")!, resolve).on("error", reject));
    const size = Number(download.headers["content-length"]);
    expect(size).toBeGreaterThan(2 * GiB);

    const hash = createHash("sha256");
    let received = 0;
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    for await (const chunk of download as AsyncIterable<Buffer>) {
      hash.update(chunk);
      received += chunk.length;
      if (received % (64 * 1024 * 1024) < chunk.length) peak = Math.max(peak, process.memoryUsage().rss);
    }
    expect(received).toBe(size);
    // Flat: a tenth of the result at most, whatever the garbage collector's timing (a buffered result would be 2.25 GiB).
    expect(peak - baseline).toBeLessThan(256 * 1024 * 1024);
    const truth = await sandbox.control.result(jobId);
    expect(truth.size).toBe(size);
    expect(hash.digest("hex")).toBe(truth.sha256);
    // A hang guard, not a speed target: 2.25 GiB hashed on a machine whose cores are busy with other suites.
  }, 600_000);
});
