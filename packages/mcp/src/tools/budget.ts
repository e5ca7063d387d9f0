import { DOCUMENTED_HOURLY_BUDGET } from "@impactkit/jobs";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { Accounts } from "../accounts.js";
import { answer, failure } from "../tool-result.js";

const QUOTA = z.object({ limit: z.number(), left: z.number(), renewsAt: z.string().nullable() }).nullable();

/**
 * `budget`: what the account may still ask for — the requests left this hour as impact.com's last rate-limit
 * headers said (https://integrations.impact.com/impact-brand/reference/rate-limits), and the exports left today
 * in its daily quotas (ReportExport, ClickExport) as this server's store counts them. Sends no request.
 */
export function budgetTool(server: McpServer, accounts: Accounts): void {
  server.registerTool(
    "budget",
    {
      title: "Budget",
      description:
        "What the account may still ask for, without sending a request: requests left this hour and when the hour renews (as impact.com's last answer said; before any, the documented default), and ReportExport and ClickExport jobs left today.",
      inputSchema: { account: accounts.schema },
      outputSchema: {
        requestsLeftThisHour: z.number(),
        hourlyLimit: z.number().nullable(),
        hourRenewsAt: z.string().nullable(),
        measured: z.boolean().describe("false before impact.com's first answer: the figures are the documented default"),
        exportsLeftToday: z.object({ ReportExport: QUOTA, ClickExport: QUOTA }),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    },
    async ({ account }) => {
      try {
        const { jobs } = accounts.of(account);
        const rate = jobs.rateBudget();
        const quota = await jobs.exportQuota();
        const kind = (name: "ReportExport" | "ClickExport") => {
          const left = quota[name];
          return left ? { limit: left.limit, left: left.left, renewsAt: left.renewsAt === undefined ? null : new Date(left.renewsAt).toISOString() } : null;
        };
        return answer({
          requestsLeftThisHour: rate?.remaining ?? DOCUMENTED_HOURLY_BUDGET,
          hourlyLimit: rate ? (rate.limit ?? null) : DOCUMENTED_HOURLY_BUDGET,
          hourRenewsAt: rate ? new Date(rate.resetAt).toISOString() : null,
          measured: rate !== undefined,
          exportsLeftToday: { ReportExport: kind("ReportExport"), ClickExport: kind("ClickExport") },
        });
      } catch (error) {
        return failure(error);
      }
    },
  );
}
