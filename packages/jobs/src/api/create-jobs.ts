import type { ImpactClient } from "@impactkit/core";
import type { JobsOptions } from "../impact/context.js";
import { jobsContext } from "../ops/jobs-context.js";
import { downloadJob } from "../files/download.js";
import { jobsOf, type FileOperations, type Jobs } from "./jobs-of.js";
import type { RequireJobsPaths } from "../impact/jobs-paths.js";

export type { ClickParams, Jobs, RecordsFromFile, RecordsOptions, ReportFilterValue, ReportParams } from "./jobs-of.js";
export { jobsContext };

/** Node.js's file operations: downloads to files, and rows through csv-parse's stream, loaded on first use. */
const NODE_FILES: FileOperations = {
  download: downloadJob,
  async *records(context, id, options) {
    const { jobRecords } = await import("../result/node-rows.js");
    yield* jobRecords(context, id, options);
  },
  async *fileRecords(path, signal) {
    const { fileRecords } = await import("../result/node-rows.js");
    yield* fileRecords(path, signal);
  },
};

/**
 * Jobs of one account through a client of a flavor package (`@impactkit/partner-v15`, `@impactkit/agency-v3`,
 * `@impactkit/brand`…). Every wait of the instance shares one scheduler, one timer and one rate budget.
 */
export function createJobs<P extends {}>(client: ImpactClient<P> & RequireJobsPaths<P>, options: JobsOptions = {}): Jobs<P> {
  return jobsOf(jobsContext(client, options), NODE_FILES);
}
