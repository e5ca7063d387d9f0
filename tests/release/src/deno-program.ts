/**
 * What a Deno program does with the packages (run by deno.test.ts with `deno run`): export, wait, read the
 * rows and the bytes, and download to a file; and where a client given no `baseUrl` goes (`IMPACT_BASE_URL`).
 * Prints one JSON line.
 */
import { createJobs } from "@impactkit/jobs";
import { createClient } from "@impactkit/partner-v15";

const [baseUrl, accountSid, authToken, target] = (globalThis as unknown as { Deno: { args: string[] } }).Deno.args as [string, string, string, string];
const jobs = createJobs(createClient({ accountSid, authToken, baseUrl }), { policy: { firstDelayMs: 10 } });
const handle = await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-02" });
const job = await jobs.wait(handle.id);
let rows = 0;
for await (const _row of jobs.records(handle.id)) rows += 1;
let bytes = 0;
const reader = jobs.stream(handle.id).getReader();
for (let read = await reader.read(); !read.done; read = await reader.read()) bytes += read.value.length;
const saved = await jobs.download(handle.id, { to: target });
const fromEnvironment = createClient({ accountSid, authToken }).accountUrl;
console.log(JSON.stringify({ id: handle.id, status: job.Status, rows, bytes, saved, fromEnvironment }));
