/**
 * Exports the same report for several accounts at once, each with its own instance (its own hourly
 * budget and Jobs list), and waits for all of them:
 *   IMPACT_ACCOUNT_SIDS=IRA...,IRB... IMPACT_AUTH_TOKEN_IRA...=… IMPACT_AUTH_TOKEN_IRB...=… node many-accounts.ts
 */
import { createJobs } from "@impactkit/jobs";
import { createClient } from "@impactkit/partner-v15";
import { account } from "./account.ts";

const sids = (process.env["IMPACT_ACCOUNT_SIDS"] ?? "").split(",").filter(Boolean);
if (sids.length === 0) throw new Error("set IMPACT_ACCOUNT_SIDS (comma-separated) and IMPACT_AUTH_TOKEN_<SID> for each");
const results = await Promise.allSettled(
  sids.map(async (sid) => {
    const jobs = createJobs(createClient(account(sid)));
    const handle = await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-30" });
    const job = await jobs.wait(handle.id);
    return `${sid}: job ${job.Id} ${job.Status}, ${job.RecordsProcessed} records`;
  }),
);
for (const [index, result] of results.entries()) console.log(result.status === "fulfilled" ? result.value : `${sids[index]}: ${String(result.reason)}`);
process.exitCode = results.every((result) => result.status === "fulfilled") ? 0 : 1;
