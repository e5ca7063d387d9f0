import { FAILED_STATUSES, type Job, JobTimeoutError, jobJson } from "@impactkit/jobs";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { Accounts } from "../accounts.js";
import { forgetEnded, seenFailing } from "../state.js";
import { answer, failure } from "../tool-result.js";

const JOB_ID = z.string().min(1).max(100).describe("The job's id, from export_report or export_clicks");
const JOB = z.record(z.string(), z.unknown()).describe("The job as the Jobs API gives it: Id, Status, PercentageComplete, RecordsProcessed, dates");

/** `job_status` and `wait_for_job`: where a job stands, and waiting for it on the account's one poll scheduler. */
export function jobTools(server: McpServer, accounts: Accounts, maxWaitMs: number): void {
  server.registerTool(
    "job_status",
    {
      title: "Job status",
      description: "Where a job stands: QUEUED, RUNNING, COMPLETED, or CANCELLED, ERROR, FAILED; its percentage and records.",
      inputSchema: { account: accounts.schema, jobId: JOB_ID },
      outputSchema: { job: JOB },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    },
    async ({ account, jobId }, { signal }) => {
      try {
        const { jobs } = accounts.of(account);
        const job = await jobs.get(jobId, { signal });
        if (FAILED_STATUSES.has(job.Status)) forgetEnded(jobs, jobId);
        return answer({ job: jobJson(job) });
      } catch (error) {
        return failure(error);
      }
    },
  );

  server.registerTool(
    "wait_for_job",
    {
      title: "Wait for a job",
      description: `Waits until the job is COMPLETED, at most maxSeconds (at most ${Math.round(maxWaitMs / 1000)}), checking it no faster than impact.com's jobs advance (backing off from seconds to half a minute). Returns finished: false with where the job stands if it still runs — call again to go on waiting. Sends progress notifications when the request asks for them; cancelling the request stops the wait.`,
      inputSchema: {
        account: accounts.schema,
        jobId: JOB_ID,
        maxSeconds: z
          .number()
          .positive()
          .optional()
          .describe(`How long to wait at most in this call (default and cap ${Math.round(maxWaitMs / 1000)})`),
      },
      outputSchema: { finished: z.boolean(), job: JOB },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    },
    async ({ account, jobId, maxSeconds }, extra) => {
      const { jobs } = accounts.of(account);
      const progressToken = extra._meta?.progressToken;
      let sent = -1;
      try {
        const job = await jobs.wait(jobId, {
          timeoutMs: Math.min(maxWaitMs, (maxSeconds ?? Number.POSITIVE_INFINITY) * 1000),
          signal: extra.signal,
          onProgress: (seen) => {
            // A notification's progress must increase (https://modelcontextprotocol.io/specification/2025-06-18/basic/utilities/progress): a check that saw no more is not sent.
            const progress = seen.PercentageComplete ?? 0;
            if (progressToken === undefined || progress <= sent) return;
            sent = progress;
            void extra
              .sendNotification({
                method: "notifications/progress",
                params: { progressToken, progress, total: 100, message: `${seen.Status}, ${seen.RecordsProcessed ?? 0} records` },
              })
              .catch(() => undefined);
          },
        });
        return answer({ finished: true, job: jobJson(job) });
      } catch (error) {
        if (error instanceof JobTimeoutError) {
          if (error.job) return answer({ finished: false, job: jobJson(error.job as Job) });
          return await jobs.get(jobId, { signal: extra.signal }).then((job) => answer({ finished: false, job: jobJson(job) }), failure);
        }
        seenFailing(jobs, jobId, error);
        return failure(error);
      }
    },
  );
}
