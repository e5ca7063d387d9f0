import type { Job } from "@impactkit/jobs";
import { formatCount } from "./human.js";

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
