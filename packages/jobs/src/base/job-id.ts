import { InvalidArgumentError } from "./errors.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A short, printable form of any value, for an error message. */
export function describeValue(value: unknown): string {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    // A bigint or a circular value: String() below.
  }
  return (text ?? String(value)).slice(0, 80);
}

/**
 * A JobId is a UUID (https://integrations.impact.com/agency-v3/reference/jobs-management/jobs). Anything
 * else — `../x`, `%2e%2e/`, an empty string — is refused before a request could carry it into a path.
 */
export function validateJobId(id: unknown): string {
  if (typeof id !== "string" || !UUID.test(id)) {
    throw new InvalidArgumentError(`JobId must be a UUID such as d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f, got ${describeValue(id)}`);
  }
  return id.toLowerCase();
}

/**
 * A report's Id or handle as it goes into a path (`/ReportExport/{Id}`, `/Reports/{Id}/MetaData`): letters,
 * digits, `_`, `.` and `-` (`mp_action_listing_fast`, `4222`); anything else is refused before any request.
 */
export function validateReportId(reportId: unknown): string {
  if (typeof reportId !== "string" || !/^[A-Za-z0-9_.-]+$/.test(reportId)) {
    throw new InvalidArgumentError(`reportId must be a report Id or handle such as mp_action_listing_fast, got ${JSON.stringify(reportId)}`);
  }
  return reportId;
}

/** The JobId at the end of an export's `QueuedUri` (`/Mediapartners/<SID>/Jobs/<JobId>`), validated. */
export function jobIdFromQueuedUri(queuedUri: unknown): string {
  const match = typeof queuedUri === "string" ? /\/Jobs\/([^/?#]+)\/?$/.exec(queuedUri) : null;
  if (!match) throw new InvalidArgumentError(`QueuedUri does not name a job: ${describeValue(queuedUri)}`);
  return validateJobId(match[1]);
}
