/**
 * `@impactkit/jobs/zendesk`: the wait engine driving Zendesk's job statuses, an example of an adapter for another job API.
 *
 * @packageDocumentation
 */
export { createZendeskJobs, ZendeskJobFailedError, type ZendeskJobStatus, type ZendeskOptions } from "./api/zendesk.js";
