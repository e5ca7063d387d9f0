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
      responses: { 200: { content: { "application/json": { Id?: string; Status?: string } } } };
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

/**
 * `unknown` when a flavor's generated paths have the Jobs operations; otherwise a property no client has,
 * whose name says why — so that `createJobs` refuses the client at compile time.
 */
export type RequireJobsPaths<P> = P extends JobsPaths ? unknown : { readonly "the client's generated paths lack a Jobs operation, parameter or response that @impactkit/jobs uses": Exclude<keyof JobsPaths, keyof P> };
