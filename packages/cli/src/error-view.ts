import { ApiError, JobFailedError, RateLimitError } from "@impactkit/jobs";
import { EXIT, type ExitCode } from "./exit-codes.js";
import { humanDurations } from "./human.js";

/** The library's option names in messages, and the flags a user of the CLI types instead. */
const FLAG_NAMES: ReadonlyArray<[RegExp, string]> = [
  [/\bpass overwrite: true\b/g, "pass --overwrite"],
  [/\bcreatedAfter\b/g, "--created-after"],
  [/\bcreatedBefore\b/g, "--created-before"],
  [/\bbaseUrl\b/g, "--base-url"],
  [/\baccountSid\b/g, "--account-sid"],
  [/\bauthToken\b/g, "--auth-token"],
  [/\breportId\b/g, "<reportId>"],
  [/\bproxy must\b/g, "--proxy must"],
  [/\bconnectTimeoutMs\b/g, "--connect-timeout"],
  [/\bconnections must\b/g, "--connections must"],
];

/** A usage error's message in the CLI's terms: the flags, not the library options behind them (`createdAfter` → `--created-after`). */
function inFlagTerms(message: string): string {
  return FLAG_NAMES.reduce((text, [name, flag]) => text.replace(name, flag), message);
}

/**
 * A library error's message as the CLI shows it: its options as flags (for usage errors), its durations in the
 * CLI's form, and for a job in ERROR what `--through-error` does — impact.com retries such a job every 15
 * minutes, up to 5 times (https://integrations.impact.com/impact-brand/reference/retrieve-a-job).
 */
export function errorText(message: string, code: ExitCode, error: unknown): string {
  const text = humanDurations(code === EXIT.usage ? inFlagTerms(message) : message);
  return error instanceof JobFailedError && error.status === "ERROR"
    ? `${text} (impact.com retries a job in ERROR every 15 minutes, up to 5 times: --through-error waits through it)`
    : text;
}

/** The name of each exit code, for `--json` errors. */
const EXIT_NAMES = new Map<number, string>(Object.entries(EXIT).map(([name, code]) => [code, name]));

/**
 * An error as `--json` prints it: the message, the exit code and its name, the error's type, and where the
 * API answered, its HTTP status, request id and retry delay; for a failed job, `job` with its `Id` and `Status`
 * as the Jobs API names them.
 */
export function errorJson(message: string, code: ExitCode, error: unknown): Record<string, unknown> {
  const view: Record<string, unknown> = {
    error: message,
    exitCode: code,
    kind: EXIT_NAMES.get(code),
    type: error instanceof Error ? error.name : typeof error,
  };
  if (error instanceof ApiError) Object.assign(view, { status: error.status, requestId: error.requestId ?? null });
  if (error instanceof RateLimitError) view["retryAfterMs"] = error.retryAfterMs ?? null;
  if (error instanceof JobFailedError) view["job"] = { Id: error.job.Id, Status: error.status };
  return view;
}
