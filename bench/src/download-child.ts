import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createJobs } from "@impactkit/jobs";
import { createClient } from "@impactkit/partner-v15";
import { DEFAULT_ACCOUNT } from "@impactkit/sandbox";

/** Downloads one job with @impactkit/jobs in this process, and reports its time and peak memory. */
const [baseUrl, jobId, target, signedUrl] = process.argv.slice(2) as [string, string, string, string];
const jobs = createJobs(createClient({ ...DEFAULT_ACCOUNT, baseUrl }));
await jobs.get(jobId);
const baselineRssBytes = process.memoryUsage().rss;
const started = performance.now();
const { bytes } = await jobs.download(jobId, { to: target, overwrite: true });
const ms = performance.now() - started;
const maxRssBytes = process.resourceUsage().maxRSS * 1024;
// The floor Node.js itself sets: its fetch piped straight into a file, same URL, same process.
const rawStarted = performance.now();
await pipeline(Readable.fromWeb((await fetch(signedUrl)).body as never), createWriteStream(`${target}.raw`));
const rawMs = performance.now() - rawStarted;
console.log(JSON.stringify({ bytes, ms, rawMs, baselineRssBytes, maxRssBytes }));
