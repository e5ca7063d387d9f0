import type { Command } from "commander";
import { type Logger, reportDateParams } from "@impactkit/jobs";
import type { AccountUsage, AddedPipeline, ExportQueue, ExportQueueOptions, ExportRequest, ExportSpec } from "@impactkit/queue";
import { networkOf, openJobs, type CommandContext, type GlobalOptions } from "../context.js";
import { UsageError } from "../exit-codes.js";
import { APIS, clientFor, jobsFor, type ApiName } from "../flavors.js";
import { optionalModule } from "../optional-module.js";
import { parseDay } from "../day.js";
import { formatBytes } from "../human.js";
import { parseParams, withDates } from "../params.js";
import { resolveAccount } from "../profiles.js";
import { clickCheckError, reportCheckError } from "./reports.js";

type Globals = () => GlobalOptions;

/** Pipeline states `queue status` counts, in the order a pipeline goes through them. */
const STATES = ["waiting", "delayed", "active", "completed", "failed"] as const;

/** `@impactkit/queue` (and with it BullMQ and a Redis client): an optional peer dependency, installed for the queue commands only. */
const queueModule = () => optionalModule("@impactkit/queue", "queue", () => import("@impactkit/queue"), true);

/** What `queue add` did, in a line: queued, or where the same request stands, or what it gave. */
function addedLine(added: AddedPipeline): string {
  const when = "finishedOn" in added && added.finishedOn !== undefined ? ` at ${new Date(added.finishedOn).toISOString()}` : "";
  switch (added.status) {
    case "queued":
      return `Queued pipeline ${added.id}`;
    case "rerun":
      return `Queued pipeline ${added.id} again`;
    case "completed":
      return `Pipeline ${added.id} ran already${when}: ${added.result.path} (${formatBytes(added.result.bytes)}); --rerun queues it again`;
    case "failed":
      return `Pipeline ${added.id} failed${when}: ${added.failedReason}; --rerun queues it again`;
    default:
      return `Pipeline ${added.id} is queued already (${added.status}); nothing added`;
  }
}

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

async function withQueue<T>(
  context: CommandContext,
  run: (queue: ExportQueue<ApiName>) => Promise<T>,
  options: Pick<ExportQueueOptions<ApiName>, "check"> = {},
): Promise<T> {
  const { createExportQueue } = await queueModule();
  const queue = createExportQueue({ redisUrl: redisOf(context).url, flavors: APIS, ...options });
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
      "\nExamples:\n  IMPACT_REDIS_URL=redis://127.0.0.1:6379 impactkit queue worker\n  impactkit queue add export report mp_action_listing_fast --api partner-v15 --account-sid IR... -p START_DATE=2026-11-01 -p END_DATE=2026-11-24 -o /shared/actions.csv\n  impactkit queue status --json",
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
      const { createExportWorker } = await queueModule();
      const factory = (api: ApiName) => (account: string, fetch: (input: Request) => Promise<Response>) =>
        clientFor(api, { accountSid: account, authToken: tokenOf(context.env, account), fetch, ...network, ...(baseUrl ? { baseUrl } : {}) });
      const clients = Object.fromEntries(APIS.map((api) => [api, factory(api)])) as Record<ApiName, ReturnType<typeof factory>>;
      const logger: Logger = {
        warn: (message) => context.output.notice(`warning: ${message}`),
        error: (message) => context.output.notice(`error: ${message}`),
        info: (message) => context.output.notice(message),
      };
      // SIGTERM and SIGINT close the worker: the steps in progress finish (or, after the close timeout, are left to another worker).
      const worker = createExportWorker({ redisUrl: redis.url, clients, concurrency, logger, handleSignals: true });
      await worker.worker.waitUntilReady();
      context.output.info(`worker running pipelines from ${redis.shown} (concurrency ${concurrency}); Ctrl-C stops it`);
      await Promise.race([worker.closed, new Promise((resolve) => context.signal.addEventListener("abort", resolve, { once: true }))]);
      await worker.close();
    });

  const exports = queue
    .command("add")
    .description("queue a durable export")
    .command("export")
    .description("queue an export pipeline: schedule, wait, download to --output (on storage every worker sees)");
  /**
   * The flavor and account of the globals (flags, then env, then a profile), checked; then `spec` is checked
   * against the flavor (its spec, and with a token the report's metadata) and queued. A request queued before
   * says where it stands, or, once finished, what it gave; `--rerun` queues it again.
   */
  const add = async (spec: (api: ApiName, account: string) => ExportSpec, output: string, rerun: boolean) => {
    const { api, accountSid: account, authToken } = resolveAccount(globals(), context.env);
    if (!api) throw new UsageError(`--api is required (${APIS.join(", ")}), or set IMPACT_API, or use a profile (--profile)`);
    if (!APIS.includes(api as ApiName)) throw new UsageError(`--api takes one of ${APIS.join(", ")}, got ${JSON.stringify(api)}`);
    if (!account) throw new UsageError("--account-sid (or IMPACT_ACCOUNT_SID, or a profile) names the account to export for");
    const request = { flavor: api as ApiName, account, export: spec(api as ApiName, account), to: output };
    const { checkExport } = await queueModule();
    // With a token the report's filters are checked too (one metadata request); without, what the spec says.
    const jobs = authToken ? openJobs(globals(), context) : jobsFor(api, { accountSid: account, authToken: "-" }, {});
    const check = async ({ export: spec }: ExportRequest<ApiName>) => {
      try {
        await checkExport(jobs, spec, { metadata: Boolean(authToken), signal: context.signal });
      } catch (error) {
        throw "report" in spec ? reportCheckError(error, jobs, spec.report) : clickCheckError(error, jobs);
      }
    };
    const { id, ...added } = await withQueue(context, (pipelines) => pipelines.add(request, { rerun }), { check });
    context.output.result([addedLine({ id, ...added })], { pipeline: id, ...added });
  };
  const repeatable = (value: string, previous: string[]) => [...previous, value];

  exports
    .command("report <reportId>")
    .description("queue a ReportExport of <reportId> for --account-sid (or IMPACT_ACCOUNT_SID)")
    .requiredOption("-o, --output <file>", "the file the result is published to")
    .option("-p, --param <key=value>", "a report filter (repeatable)", repeatable, [])
    .option("--rerun", "queue the request again if it ran already (otherwise its result is shown)")
    .action(async (reportId: string, options: { output: string; param: string[]; rerun?: boolean }) => {
      // Dates are checked and relative days converted here, as `export report` does: the pipeline may run tomorrow.
      await add(
        (api, account) => ({
          report: reportId,
          params: withDates(parseParams(options.param), reportDateParams(clientFor(api, { accountSid: account, authToken: "-" }).spec.traits)) as Record<
            string,
            string
          >,
        }),
        options.output,
        options.rerun === true,
      );
    });

  exports
    .command("clicks")
    .description("queue a ClickExport for --account-sid (partner; brand with --program-id)")
    .requiredOption("-o, --output <file>", "the file the result is published to")
    .option("--program-id <id>", "the program (brand: required)")
    .option("--date <date>", "the day of the clicks (YYYY-MM-DD)")
    .option("-p, --param <key=value>", "another ClickExport parameter (repeatable)", repeatable, [])
    .option("--rerun", "queue the request again if it ran already (otherwise its result is shown)")
    .addHelpText("after", "\nExamples:\n  impactkit queue add export clicks --api partner-v15 --account-sid IR... --date 2026-11-24 -o /shared/clicks.csv")
    .action(async (options: { output: string; param: string[]; programId?: string; date?: string; rerun?: boolean }) => {
      await add(
        (api, account) => {
          // A ClickExport under /Programs/{ProgramId} takes one ProgramId; one of the account a list of them (https://integrations.impact.com/impact-publisher/reference/clickexport).
          const single = clientFor(api, { accountSid: account, authToken: "-" }).spec.traits.clickExport === "program";
          return {
            clicks: {
              ...(withDates(parseParams(options.param), { Date: "date" }) as Record<string, string>),
              ...(options.date ? { Date: parseDay(options.date, "--date", Date.now()) } : {}),
              ...(options.programId ? { ProgramId: single ? options.programId : [options.programId] } : {}),
            },
          };
        },
        options.output,
        options.rerun === true,
      );
    });

  queue
    .command("status")
    .description("count pipelines per state and per account, with what each account has left: requests this hour, exports today")
    .action(async () => {
      const { byState, byAccount, usage } = await withQueue(context, async (pipelines) => {
        const byState = Object.fromEntries(STATES.map((state) => [state, 0])) as Record<string, number>;
        const byAccount: Record<string, Record<string, number>> = {};
        const flavors = new Map<string, ApiName>();
        for (const state of STATES) {
          // The queue holds pipelines only: the observers have their own.
          for (const job of await pipelines.queue.getJobs([state])) {
            byState[state] = (byState[state] ?? 0) + 1;
            const account = (byAccount[job.data.account] ??= Object.fromEntries(STATES.map((name) => [name, 0])));
            account[state] = (account[state] ?? 0) + 1;
            flavors.set(job.data.account, job.data.flavor);
          }
        }
        const usage: Record<string, AccountUsage> = {};
        for (const [account, flavor] of flavors)
          usage[account] = await pipelines.usage(account, clientFor(flavor, { accountSid: account, authToken: "-" }).spec.traits.dailyExportLimits);
        return { byState, byAccount, usage };
      });
      const left = ({ requestsLeft, exportsLeft }: AccountUsage) =>
        [
          `requests left this hour ${requestsLeft}`,
          ...Object.entries(exportsLeft).map(([kind, quota]) => `${kind} left today ${quota.left}/${quota.limit}`),
        ].join(", ");
      const lines = [
        STATES.map((state) => `${state} ${byState[state] ?? 0}`).join("  "),
        ...Object.entries(byAccount).map(
          ([account, states]) => `${account}: ${STATES.map((state) => `${state} ${states[state]}`).join("  ")}  (${left(usage[account]!)})`,
        ),
      ];
      const accounts = Object.fromEntries(Object.entries(byAccount).map(([account, states]) => [account, { ...states, ...usage[account] }]));
      context.output.result(lines, { states: byState, accounts });
    });
}
