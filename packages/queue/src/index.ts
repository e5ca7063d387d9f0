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
