import type { Job } from "@impactkit/jobs";

/** A job as the tools give it: the Jobs API's field names, dates in ISO 8601, no raw body. */
export function jobView(job: Job): Record<string, unknown> {
  const { raw: _raw, ...fields } = job;
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : (value ?? null)]));
}
