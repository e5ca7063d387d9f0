import type { Job } from "@impactkit/jobs";
import { formatCount } from "./human.js";

/** A job as the CLI prints it with --json: the normalised fields, dates as ISO 8601, no raw body. */
export function jobJson(job: Job): Record<string, unknown> {
  const { raw: _raw, ...fields } = job;
  return Object.fromEntries(Object.entries(fields).map(([key, value]) => [key, value instanceof Date ? value.toISOString() : (value ?? null)]));
}

const when = (date: Date | undefined) => (date ? date.toISOString().replace(".000Z", "Z") : "-");

/** A job as a few aligned lines for people. */
export function jobText(job: Job): string[] {
  const rows: Array<[string, string]> = [
    ["Id", job.Id],
    ["Type", job.Type ?? "-"],
    ["Status", job.StatusMessage ? `${job.Status} (${job.StatusMessage})` : job.Status],
    ["Progress", `${job.PercentageComplete ?? 0}% (${formatCount(job.RecordsProcessed ?? 0)} records)`],
    ["Created", when(job.CreatedDate)],
    ["Started", when(job.StartedDate)],
    ["Completed", when(job.CompletedDate)],
    ["Replayable", job.Replayable === undefined ? "-" : job.Replayable ? "yes" : "no"],
  ];
  return rows.map(([name, value]) => `${name.padEnd(11)}${value}`);
}

/** Jobs as the rows of a table for people, headings first (`Output.table` lays them out). */
export function jobsRows(jobs: readonly Job[]): string[][] {
  return [
    ["ID", "TYPE", "STATUS", "DONE", "RECORDS", "CREATED"],
    ...jobs.map((job) => [
      job.Id,
      job.Type ?? "-",
      job.Status,
      `${job.PercentageComplete ?? 0}%`,
      formatCount(job.RecordsProcessed ?? 0),
      when(job.CreatedDate),
    ]),
  ];
}
