/**
 * `@impactkit/queue`: durable impact.com exports on BullMQ (https://docs.bullmq.io) and Redis — each export a
 * pipeline (schedule the export, wait for the job, download the result) that any worker of a fleet carries on,
 * every API request of every worker taking its token from one hourly budget per account kept in Redis.
 *
 * @packageDocumentation
 */
export { createAccountBudget, type AccountBudget, type AccountBudgetOptions } from "./account-budget.js";
export { budgetedFetch } from "./budgeted-fetch.js";
export {
  pipelineId,
  type ExportParam,
  type ExportRequest,
  type ExportSpec,
  type PipelineData,
  type PipelineResult,
  type PipelineState,
} from "./export-pipeline.js";
export { DEFAULT_QUEUE_NAME } from "./defaults.js";
export { AccountBudgetError } from "./account-budget-error.js";
export { checkExport, createExportQueue, type AccountUsage, type AddedPipeline, type ExportQueue, type ExportQueueOptions } from "./export-queue.js";
export { redisExportQuota } from "./export-quota-store.js";
export { isPermanent } from "./step-failure.js";
export { completionEventHandler, type CompletionEventOptions } from "./completion-event-handler.js";
export { createExportWorker, type ClientFactory, type ExportWorker, type ExportWorkerOptions } from "./export-worker.js";
