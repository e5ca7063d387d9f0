/** What the queue's tests share: clients of the sandbox for each flavor, waits bounded by attempts, and a logger that keeps its lines. */
import { createClient as agencyClient } from "@impactkit/agency-v3";
import { createClient as brandClient } from "@impactkit/brand";
import type { Logger } from "@impactkit/jobs";
import { createClient as partnerClient } from "@impactkit/partner-v15";
import type { Sandbox } from "@impactkit/sandbox";
import type { PipelineData, PipelineResult } from "./export-pipeline.js";
import type { ExportQueue } from "./export-queue.js";
import type { ClientFactory } from "./export-worker.js";

export const FLAVORS = ["partner-v15", "agency-v3", "brand"] as const;
export type Flavor = (typeof FLAVORS)[number];

/** Clients of the sandbox `sandboxOf` gives for the account (read when a client is made), with the tokens of the workers' own configuration. */
export function sandboxClients(sandboxOf: (account: string) => Sandbox, tokens: Record<string, string>): Record<Flavor, ClientFactory> {
  const options = (account: string, fetch: (input: Request) => Promise<Response>) => ({
    accountSid: account,
    authToken: tokens[account] ?? "no-token-for-this-account",
    baseUrl: sandboxOf(account).url,
    fetch,
  });
  return {
    "partner-v15": (account, fetch) => partnerClient(options(account, fetch)),
    "agency-v3": (account, fetch) => agencyClient(options(account, fetch)),
    brand: (account, fetch) => brandClient(options(account, fetch)),
  };
}

/** Looks every `ms` until `check` gives a value, up to `attempts` times; then fails naming `what`. A bound on waiting, not a duration under test. */
export async function poll<T>(what: string, check: () => Promise<T | undefined>, ms = 10, attempts = 3_000): Promise<T> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    const found = await check();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, ms));
  }
  throw new Error(`gave up waiting for ${what}`);
}

/** How a pipeline ended. */
export interface Settled {
  state: "completed" | "failed";
  result: PipelineResult;
  data: PipelineData;
  reason: string;
  attemptsMade: number;
}

/** Resolves once the pipeline is completed or failed, moving `sandbox`'s manual clock 10 s at a time meanwhile. */
export function settled(on: ExportQueue<string>, id: string, sandbox: Sandbox): Promise<Settled> {
  return poll(`pipeline ${id} to settle`, async () => {
    const state = await on.queue.getJobState(id);
    const job = state === "completed" || state === "failed" ? await on.queue.getJob(id) : undefined;
    if (job) return { state: state as Settled["state"], result: job.returnvalue, data: job.data, reason: job.failedReason, attemptsMade: job.attemptsMade };
    sandbox.control.advance(10_000);
    return undefined;
  });
}

/** A logger that keeps what it is told, by level. */
export function recordingLogger(): Required<Logger> & { lines: { level: "warn" | "error" | "info"; message: string }[] } {
  const lines: { level: "warn" | "error" | "info"; message: string }[] = [];
  return {
    lines,
    warn: (message) => void lines.push({ level: "warn", message }),
    error: (message) => void lines.push({ level: "error", message }),
    info: (message) => void lines.push({ level: "info", message }),
  };
}
