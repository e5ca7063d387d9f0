import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parse } from "csv-parse";
import { createReadStream } from "node:fs";
import { createJobs } from "@impactkit/jobs";
import { createClient } from "@impactkit/partner-v15";
import { DEFAULT_ACCOUNT } from "@impactkit/sandbox";

/**
 * One measured transfer in this process, everything loaded and one API call made first: `impactkit`
 * (download through the 302, in parts where storage allows), `impactkit-1` (the same over one connection),
 * `impactkit-stream` (download with Mode=Stream), `fetch` (Node.js's fetch
 * piped into a file: the floor of the portable path), `records` (rows of the result through records()) or
 * `csv-parse` (rows of a file on disk). Prints its time and RSS: just before the first request, and the
 * highest seen during the transfer (sampled every 20 ms, and at the end).
 */
const [what, baseUrl, jobId, target, signedUrl] = process.argv.slice(2) as [string, string, string, string, string];
const jobs = createJobs(createClient({ ...DEFAULT_ACCOUNT, baseUrl }));
await jobs.get(jobId);
const transfers: Record<string, () => Promise<number>> = {
  impactkit: async () => (await jobs.download(jobId, { to: target, overwrite: true })).bytes,
  "impactkit-1": async () => (await jobs.download(jobId, { to: target, overwrite: true, connections: 1 })).bytes,
  "impactkit-stream": async () => (await jobs.download(jobId, { to: target, overwrite: true, mode: "stream" })).bytes,
  fetch: async () => {
    await pipeline(Readable.fromWeb((await fetch(signedUrl)).body as never), createWriteStream(target));
    return 0;
  },
  records: async () => {
    let rows = 0;
    for await (const row of jobs.records(jobId)) rows += row ? 1 : 0;
    return rows;
  },
  "csv-parse": async () => {
    let rows = 0;
    for await (const row of createReadStream(target).pipe(parse({ columns: true, bom: true, skip_empty_lines: true }))) rows += row ? 1 : 0;
    return rows;
  },
};
globalThis.gc?.();
const rssBefore = process.memoryUsage.rss();
let rssPeak = rssBefore;
const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, process.memoryUsage.rss())), 20);
const started = performance.now();
const count = await transfers[what]!();
const ms = performance.now() - started;
clearInterval(sampler);
rssPeak = Math.max(rssPeak, process.memoryUsage.rss());
console.log(JSON.stringify({ count, ms, rssBefore, rssPeak }));
