/**
 * A wait that survives its process: `start` exports a report and prints the wait's resume token (no
 * credentials in it) as soon as it has one, then exits as a crashed or redeployed process would; `resume`
 * picks the wait up from the token — in another process, on another machine — and downloads the result:
 *   TOKEN=$(node resume-elsewhere.ts start) && node resume-elsewhere.ts resume "$TOKEN" actions.csv
 */
import { createJobs } from "@impactkit/jobs";
import { createClient } from "@impactkit/partner-v15";
import { account } from "./account.ts";

const [command, token, target = "actions.csv"] = process.argv.slice(2);
const jobs = createJobs(createClient(account()));
if (command === "start") {
  const handle = await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-30" });
  const stop = new AbortController();
  await jobs
    .wait(handle.id, {
      signal: stop.signal,
      onCheckpoint: (resumeToken) => {
        console.log(resumeToken);
        stop.abort();
      },
    })
    .catch(() => undefined);
} else if (command === "resume" && token) {
  const job = await jobs.resume(token);
  const { path } = await jobs.download(job.Id, { to: target, overwrite: true });
  console.log(`job ${job.Id} ${job.Status}: ${path}`);
} else {
  throw new Error("usage: resume-elsewhere.ts start | resume <token> [file]");
}
