import { sandboxProcess, runChild } from "./processes.ts";
import { createClient } from "@impactkit/partner-v15";
import { DEFAULT_ACCOUNT } from "@impactkit/sandbox";
const MiB = 1 << 20;
const sandbox = await sandboxProcess({ storageBytesPerSecond: 50 * MiB, job: { queueMs: 0, runMs: 0, rows: Math.ceil((256 * MiB) / 47) } });
const client = createClient({ ...DEFAULT_ACCOUNT, baseUrl: sandbox.url });
const { data } = await client.GET("/ReportExport/{Id}", { params: { path: { Id: "mp_action_listing_fast" }, query: { START_DATE: "2026-10-01", END_DATE: "2026-10-31" } } });
const jobId = (data as { QueuedUri: string }).QueuedUri.split("/").at(-1)!;
for (const flags of [[], ["--max-semi-space-size=16"], ["--max-semi-space-size=8"]]) {
  for (const what of ["impactkit", "impactkit-1"]) {
    const r = await runChild<{ count: number; ms: number; rssBefore: number; rssPeak: number }>("download-child.ts", [what, sandbox.url, jobId, "/tmp/probe.csv", ""], flags);
    console.log(flags.join(" ") || "defaults", what, ((r.count / MiB) / (r.ms / 1000)).toFixed(0), "MiB/s", ((r.rssPeak - r.rssBefore) / 1e6).toFixed(1), "MB");
  }
}
await sandbox.stop();
