import type { ImpactClient } from "@impactkit/core";
import { jobsContextOn, type JobsContext, type JobsOptions } from "./context.js";
import { downloadJob } from "./download.js";
import { jobsOf, type FileOperations, type Jobs } from "./jobs-of.js";
import type { RequireJobsPaths } from "./jobs-paths.js";
import { NODE_FETCHES } from "./node-fetches.js";

export type { ClickParams, Jobs, RecordsFromFile, RecordsOptions, ReportFilterValue, ReportParams } from "./jobs-of.js";

/** Node.js's file operations: downloads to files, and rows through csv-parse's stream, loaded on first use. */
const NODE_FILES: FileOperations = {
  download: downloadJob,
  async *records(context, id, options) {
    const { jobRecords } = await import("./node-records.js");
    yield* jobRecords(context, id, options);
  },
  async *fileRecords(path, signal) {
    const { fileRecords } = await import("./node-records.js");
    yield* fileRecords(path, signal);
  },
};

/**
 * The state the operations share for one client: its rate budget, its poll scheduler (one timer for
 * every wait) and the options. `createJobs` builds one; the operations can also be imported one by one
 * (`waitForJob(context, id)`, `downloadJob(context, id, { to })`) so that a bundle carries only those used.
 */
export function jobsContext<P extends {}>(client: ImpactClient<P> & RequireJobsPaths<P>, options: JobsOptions = {}): JobsContext {
  return jobsContextOn(NODE_FETCHES, client, options);
}

/**
 * Jobs of one account through a client of a flavor package (`@impactkit/partner-v15`, `@impactkit/agency-v3`,
 * `@impactkit/brand`…). Every wait of the instance shares one scheduler, one timer and one rate budget.
 */
export function createJobs<P extends {}>(client: ImpactClient<P> & RequireJobsPaths<P>, options: JobsOptions = {}): Jobs<P> {
  return jobsOf(jobsContext(client, options), NODE_FILES);
}
