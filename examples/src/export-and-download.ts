/**
 * Exports a report, waits for it with its progress, and downloads the result to a file:
 *   node export-and-download.ts actions.csv
 */
import { createJobs } from "@impactkit/jobs";
import { createClient } from "@impactkit/partner-v15";
import { account } from "./account.ts";

const target = process.argv[2] ?? "actions.csv";
const jobs = createJobs(createClient(account()));
const handle = await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-30" });
console.log(`scheduled job ${handle.id}`);
const job = await jobs.wait(handle.id, { onProgress: (update) => console.log(`${update.Status} ${update.PercentageComplete ?? 0}%`) });
const { path, bytes } = await jobs.download(handle.id, { to: target, overwrite: true });
console.log(`job ${job.Id}: ${job.RecordsProcessed} records, ${bytes} bytes in ${path}`);
