import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { z } from "zod";
import type { Accounts } from "../accounts.js";
import { metadataOf } from "../state.js";
import { answer, failure } from "../tool-result.js";

/** `list_reports` and `describe_report`: the reports an account can export, and what one takes and gives (`GET /Reports`, `GET /Reports/{Id}/MetaData`). */
export function reportTools(server: McpServer, accounts: Accounts): void {
  server.registerTool(
    "list_reports",
    {
      title: "List reports",
      description:
        "The reports the account can export through the API (id, name, category), where the API flavor documents report discovery. Use an id with describe_report, then export_report.",
      inputSchema: {
        account: accounts.schema,
        search: z.string().max(200).optional().describe("Only reports whose id, name or category contains this text (any case)"),
      },
      outputSchema: { reports: z.array(z.object({ Id: z.string(), Name: z.string().nullable(), Category: z.string().nullable() })) },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    },
    async ({ account, search }, { signal }) => {
      try {
        const reports = await accounts.of(account).jobs.reports({ signal });
        const needle = search?.toLowerCase();
        const shown = reports
          .filter((report) => report.ApiAccessible)
          .filter((report) => !needle || [report.Id, report.Name, report.Category].some((text) => text?.toLowerCase().includes(needle)))
          .map((report) => ({ Id: report.Id, Name: report.Name ?? null, Category: report.Category ?? null }));
        return answer({ reports: shown });
      } catch (error) {
        return failure(error);
      }
    },
  );

  server.registerTool(
    "describe_report",
    {
      title: "Describe a report",
      description: "The filters a report takes (the parameters of export_report) and the columns its result has, with their types.",
      inputSchema: { account: accounts.schema, reportId: z.string().min(1).max(200).describe("The report's id, from list_reports") },
      outputSchema: {
        Id: z.string(),
        Name: z.string().nullable(),
        filters: z.array(z.object({ name: z.string(), type: z.string().nullable() })),
        columns: z.array(z.object({ name: z.string(), type: z.string().nullable(), description: z.string().nullable() })),
      },
      annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: true },
    },
    async ({ account, reportId }) => {
      try {
        const metadata = await metadataOf(accounts.of(account).jobs, reportId);
        return answer({
          Id: metadata.Id,
          Name: metadata.Name ?? null,
          filters: metadata.Filters.map((filter) => ({ name: filter.Name, type: filter.DataType ?? null })),
          columns: metadata.Attributes.map((column) => ({ name: column.Name, type: column.DataType ?? null, description: column.Description ?? null })),
        });
      } catch (error) {
        return failure(error);
      }
    },
  );
}
