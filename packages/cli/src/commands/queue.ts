import type { Command } from "commander";
import type { ExportQueue, ExportSpec } from "@impactkit/queue";
import { networkOf, type CommandContext, type GlobalOptions } from "../context.js";
import { UsageError } from "../exit-codes.js";
import { APIS, clientFor, type ApiName } from "../flavors.js";
import { parseParams } from "../params.js";
import { resolveAccount } from "../profiles.js";

type Globals = () => GlobalOptions;

/** Pipeline states `queue status` counts, in the order a pipeline goes through them. */
const STATES = ["waiting", "delayed", "active", "completed", "failed"] as const;

/** The Redis URL of `IMPACT_REDIS_URL`, checked; shown only as host and port (it may carry a password). */
function redisOf(context: CommandContext): { url: string; shown: string } {
  const url = context.env["IMPACT_REDIS_URL"];
  if (!url) throw new UsageError("IMPACT_REDIS_URL is required for the queue commands, e.g. redis://127.0.0.1:6379");
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError("IMPACT_REDIS_URL is not a URL (redis://host:port)");
  }
  if (parsed.password) context.output.addSecret(decodeURIComponent(parsed.password));
  return { url, shown: `${parsed.hostname}:${parsed.port || "6379"}` };
}

async function withQueue<T>(context: CommandContext, run: (queue: ExportQueue<ApiName>) => Promise<T>): Promise<T> {
  const { createExportQueue } = await import("@impactkit/queue");
  const queue = createExportQueue({ redisUrl: redisOf(context).url, flavors: APIS });
  try {
    return await run(queue);
  } finally {
    await queue.close();
  }
}

/**
 * The token of `account`, from the worker's environment: `IMPACT_AUTH_TOKEN_<SID>`, or `IMPACT_AUTH_TOKEN`
 * for the account of `IMPACT_ACCOUNT_SID`. Never from Redis, where only the SID is.
 */
function tokenOf(env: NodeJS.ProcessEnv, account: string): string {
  const token = env[`IMPACT_AUTH_TOKEN_${account}`] || (env["IMPACT_ACCOUNT_SID"] === account ? env["IMPACT_AUTH_TOKEN"] : undefined);
  if (!token) throw new Error(`this worker has no token for account ${account}: set IMPACT_AUTH_TOKEN_${account}`);
  return token;
}

/** `impactkit queue worker|add|status`: durable exports on BullMQ and Redis (`@impactkit/queue`). */
export function queueCommands(program: Command, globals: Globals, context: CommandContext): void {
  const queue = program
    .command("queue")
    .description("durable exports on BullMQ and Redis (IMPACT_REDIS_URL): queue them, run workers, count them")
    .addHelpText(
      "after",
      "\nExamples:\n  IMPACT_REDIS_URL=redis://127.0.0.1:6379 impactkit queue worker\n  impactkit queue add export report mp_action_listing_fast --api partner-v15 --account-sid IR... -p START_DATE=2026-11-01 -o /shared/actions.csv\n  impactkit queue status --json",
    );

  queue
    .command("worker")
    .description("run pipelines until interrupted; tokens come from IMPACT_AUTH_TOKEN_<SID> (or IMPACT_AUTH_TOKEN for IMPACT_ACCOUNT_SID)")
    .option("--concurrency <n>", "pipelines in a step at once", "4")
    .action(async (options: { concurrency: string }) => {
      const concurrency = Number(options.concurrency);
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new UsageError(`--concurrency takes a whole number ≥ 1, got ${JSON.stringify(options.concurrency)}`);
      const redis = redisOf(context);
      for (const [name, value] of Object.entries(context.env)) if (value && name.startsWith("IMPACT_AUTH_TOKEN")) context.output.addSecret(value);
      const baseUrl = globals().baseUrl ?? context.env["IMPACT_BASE_URL"];
      const network = networkOf(globals()).options;
      const { createExportWorker } = await import("@impactkit/queue");
      const factory = (api: ApiName) => (account: string, fetch: (input: Request) => Promise<Response>) =>
        clientFor(api, { accountSid: account, authToken: tokenOf(context.env, account), fetch, ...network, ...(baseUrl ? { baseUrl } : {}) });
      const clients = Object.fromEntries(APIS.map((api) => [api, factory(api)])) as Record<ApiName, ReturnType<typeof factory>>;
      const worker = createExportWorker({ redisUrl: redis.url, clients, concurrency });
      await worker.worker.waitUntilReady();
      context.output.info(`worker running pipelines from ${redis.shown} (concurrency ${concurrency}); Ctrl-C stops it`);
      await new Promise((resolve) => context.signal.addEventListener("abort", resolve, { once: true }));
      await worker.close();
    });

  const exports = queue
    .command("add")
    .description("queue a durable export")
    .command("export")
    .description("queue an export pipeline: schedule, wait, download to --output (on storage every worker sees)");
  /** The flavor and account of the globals (flags, then env, then a profile), checked; and queues `spec` for them. */
  const add = async (spec: (api: ApiName, account: string) => ExportSpec, output: string) => {
    const { api, accountSid: account } = resolveAccount(globals(), context.env);
    if (!api) throw new UsageError(`--api is required (${APIS.join(", ")}), or set IMPACT_API, or use a profile (--profile)`);
    if (!account) throw new UsageError("--account-sid (or IMPACT_ACCOUNT_SID, or a profile) names the account to export for");
    const id = await withQueue(context, (pipelines) => pipelines.add({ flavor: api as ApiName, account, export: spec(api as ApiName, account), to: output }));
    context.output.result([`Queued pipeline ${id}`], { pipeline: id });
  };
  const repeatable = (value: string, previous: string[]) => [...previous, value];

  exports
    .command("report <reportId>")
    .description("queue a ReportExport of <reportId> for --account-sid (or IMPACT_ACCOUNT_SID)")
    .requiredOption("-o, --output <file>", "the file the result is published to")
    .option("-p, --param <key=value>", "a report filter (repeatable)", repeatable, [])
    .action(async (reportId: string, options: { output: string; param: string[] }) => {
      await add(() => ({ report: reportId, params: parseParams(options.param) as Record<string, string> }), options.output);
    });

  exports
    .command("clicks")
    .description("queue a ClickExport for --account-sid (partner; brand with --program-id)")
    .requiredOption("-o, --output <file>", "the file the result is published to")
    .option("--program-id <id>", "the program (brand: required)")
    .option("--date <date>", "the day of the clicks (YYYY-MM-DD)")
    .option("-p, --param <key=value>", "another ClickExport parameter (repeatable)", repeatable, [])
    .addHelpText("after", "\nExamples:\n  impactkit queue add export clicks --api partner-v15 --account-sid IR... --date 2026-11-24 -o /shared/clicks.csv")
    .action(async (options: { output: string; param: string[]; programId?: string; date?: string }) => {
      await add((api, account) => {
        // A ClickExport under /Programs/{ProgramId} takes one ProgramId; one of the account a list of them (https://integrations.impact.com/impact-publisher/reference/clickexport).
        const single = clientFor(api, { accountSid: account, authToken: "-" }).spec.traits.clickExport === "program";
        return {
          clicks: {
            ...(parseParams(options.param) as Record<string, string>),
            ...(options.date ? { Date: options.date } : {}),
            ...(options.programId ? { ProgramId: single ? options.programId : [options.programId] } : {}),
          },
        };
      }, options.output);
    });

  queue
    .command("status")
    .description("count pipelines per state and per account")
    .action(async () => {
      const counts = await withQueue(context, async (pipelines) => {
        const byState = Object.fromEntries(STATES.map((state) => [state, 0])) as Record<string, number>;
        const byAccount: Record<string, Record<string, number>> = {};
        for (const state of STATES) {
          // The queue also holds one observer per account with running jobs; only pipelines are counted.
          for (const job of await pipelines.queue.getJobs([state])) {
            if (job.name !== "export") continue;
            byState[state] = (byState[state] ?? 0) + 1;
            const account = (byAccount[job.data.account] ??= Object.fromEntries(STATES.map((name) => [name, 0])));
            account[state] = (account[state] ?? 0) + 1;
          }
        }
        return { byState, byAccount };
      });
      const lines = [
        STATES.map((state) => `${state} ${counts.byState[state] ?? 0}`).join("  "),
        ...Object.entries(counts.byAccount).map(([account, states]) => `${account}: ${STATES.map((state) => `${state} ${states[state]}`).join("  ")}`),
      ];
      context.output.result(lines, { states: counts.byState, accounts: counts.byAccount });
    });
}
