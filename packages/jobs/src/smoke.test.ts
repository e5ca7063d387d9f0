import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox } from "@impactkit/sandbox";
import { expect, it } from "vitest";
import { createJobs } from "./create-jobs.js";
import { clientsFor, FAST_POLICY } from "./test-support.js";

it("smoke", async () => {
  const sandbox = await startSandbox({ clock: { timeScale: 1000 }, job: { queueMs: 5_000, runMs: 40_000, rows: 300 } });
  try {
    const { partner } = clientsFor(sandbox);
    const jobs = createJobs(partner, { policy: FAST_POLICY });
    const handle = await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-02", ResultFormat: "CSV" });
    const seen: string[] = [];
    const job = await jobs.wait(handle.id, { onProgress: (j) => seen.push(`${j.Status} ${j.PercentageComplete}`) });
    expect(job.Status).toBe("COMPLETED");
    console.log(seen);
    const dir = mkdtempSync(join(tmpdir(), "jobs-"));
    const result = await jobs.download(handle.id, { to: join(dir, "out.csv") });
    expect(createHash("sha256").update(readFileSync(result.path)).digest("hex")).toBe((await sandbox.control.result(handle.id)).sha256);
    let rows = 0;
    for await (const record of jobs.records(handle.id)) rows += record ? 1 : 0;
    expect(rows).toBe(300);
    expect(sandbox.control.violations()).toEqual([]);
  } finally {
    await sandbox.close();
  }
});
