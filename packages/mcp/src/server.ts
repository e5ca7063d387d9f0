import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { accountsOf } from "./accounts.js";
import { resolvedFolder } from "./inside-folder.js";
import type { ImpactMcpOptions } from "./options.js";
import { budgetTool } from "./tools/budget.js";
import { exportTools } from "./tools/exports.js";
import { jobTools } from "./tools/job-tools.js";
import { reportTools } from "./tools/reports.js";
import { resultTools } from "./tools/results.js";
import { VERSION } from "./version.js";

/** How long one `wait_for_job` call waits at most by default: well within the request timeouts MCP clients use. */
const DEFAULT_MAX_WAIT_MS = 5 * 60_000;

/**
 * The MCP server of `options`' accounts, to connect to a transport (stdio, Streamable HTTP): tools that discover
 * reports, export, wait, download, preview and summarise results, and say the budget. Every tool works through
 * the account's `Jobs` instance — its rate gate, list observer and export quota — and answers a failure as a tool
 * error (`isError`) with the message a person needs, never a credential, an Authorization value or a signed URL.
 */
export function createImpactMcpServer(options: ImpactMcpOptions): McpServer {
  const accounts = accountsOf(options.accounts);
  if (typeof options.directory !== "string" || options.directory === "")
    throw new TypeError("createImpactMcpServer needs `directory`: the folder results are downloaded into");
  const directory = resolvedFolder(options.directory);
  const maxWaitMs = options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
  if (!(maxWaitMs > 0)) throw new TypeError(`maxWaitMs must be above 0, got ${String(options.maxWaitMs)}`);
  const server = new McpServer(
    { name: "impactkit", version: VERSION },
    {
      instructions:
        "impact.com exports: list_reports → describe_report → export_report (or export_clicks) → wait_for_job → download_result / preview_result / summarize_result. Check budget before many exports: ClickExport allows 10 a day, ReportExport 100; identical exports reuse their job.",
    },
  );
  reportTools(server, accounts);
  exportTools(server, accounts);
  jobTools(server, accounts, maxWaitMs);
  resultTools(server, accounts, directory, maxWaitMs);
  budgetTool(server, accounts);
  return server;
}
