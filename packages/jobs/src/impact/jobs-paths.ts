import type { JobWireField } from "../base/job.js";

/**
 * The `/Jobs*` operations every flavor shares, as `@impactkit/jobs` calls them
 * (https://integrations.impact.com/impact-brand/reference/retrieve-a-job, …/download-a-job, …/replay-a-job):
 * `createJobs` takes only a client whose generated `paths` have them, so a spec change that breaks what
 * jobs sends or reads breaks the build, not a run.
 */
export interface JobsPaths {
  "/Jobs": {
    get: {
      parameters: { query?: { CreatedAfter?: string; CreatedBefore?: string; Page?: number | string; PageSize?: number | string } };
      responses: { 200: { content: { "application/json": unknown } } };
    };
  };
  "/Jobs/{JobId}": {
    get: {
      parameters: { path: { JobId: string } };
      responses: { 200: { content: { "application/json": Partial<Record<JobWireField, unknown>> } } };
    };
  };
  "/Jobs/{JobId}/Download": {
    get: {
      parameters: { path: { JobId: string }; query?: { Mode?: "Stream" } };
      responses: { 202: { content: { "application/json": { Status?: string } } } };
    };
  };
  "/Jobs/{JobId}/Replay": {
    put: {
      parameters: { path: { JobId: string } };
      responses: { 200: { content: { "application/json": { Id?: string; Status?: string } } } };
    };
  };
}

/** The Job a flavor's generated paths answer `GET /Jobs/{JobId}` with. */
type GeneratedJob<P extends JobsPaths> = P["/Jobs/{JobId}"]["get"]["responses"][200]["content"]["application/json"];

/**
 * `unknown` when a flavor's generated paths have the Jobs operations and its Job every field `normaliseJob`
 * reads; otherwise a property no client has, whose name says why — so that `createJobs` refuses the client at
 * compile time, and a spec change that drops a field jobs reads breaks jobs' build, not a run.
 */
export type RequireJobsPaths<P> = P extends JobsPaths
  ? Exclude<JobWireField, keyof GeneratedJob<P>> extends never
    ? unknown
    : { readonly "the client's generated Job lacks fields @impactkit/jobs reads": Exclude<JobWireField, keyof GeneratedJob<P>> }
  : { readonly "the client's generated paths lack a Jobs operation, parameter or response that @impactkit/jobs uses": Exclude<keyof JobsPaths, keyof P> };
