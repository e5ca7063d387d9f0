import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { ExportQuotaError, ImpactkitError, JobFailedError, NotFoundError, RateLimitWaitError } from "@impactkit/jobs";

/** A tool's answer: `data` as the structured content its output schema describes, and the same as JSON text for clients that read text. */
export function answer<T extends Record<string, unknown>>(data: T): CallToolResult & { structuredContent: T } {
  return { content: [{ type: "text", text: JSON.stringify(data, null, 2) }], structuredContent: data };
}

/** A tool error (`isError`, https://modelcontextprotocol.io/specification/2025-06-18/server/tools#error-handling): what a person needs to fix, never a stack. */
export function refusal(message: string): CallToolResult {
  return { content: [{ type: "text", text: message }], isError: true };
}

/**
 * An error thrown by a tool's work as a tool error: the library's own messages (they name the parameter at
 * fault, and its errors redact URL queries, userinfo and credentials from whatever they quote), what to do about a spent quota, a failed job or a file outside the folder;
 * anything else by its kind alone.
 */
export function failure(error: unknown): CallToolResult {
  if (error instanceof ExportQuotaError)
    return refusal(
      `${error.message}. Reuse a job already exported (identical requests reuse it), or wait until the quota renews; the budget tool shows what is left.`,
    );
  if (error instanceof JobFailedError)
    return refusal(`${error.message}. The job cannot give a result; export again with other parameters, or ask impact.com support.`);
  if (error instanceof NotFoundError) return refusal(`${error.message}. Check the id: list_reports gives the report ids, and a job id comes from an export.`);
  if (error instanceof RateLimitWaitError) return refusal(`${error.message}. Try again after the hourly budget renews; the budget tool shows when.`);
  if (error instanceof ImpactkitError) return refusal(error.message);
  return refusal(`the tool failed: ${error instanceof Error ? error.name : "unknown error"}`);
}
