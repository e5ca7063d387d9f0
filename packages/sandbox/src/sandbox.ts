import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import { DEFAULT_ACCOUNT, type SandboxAccount } from "./accounts.js";
import { apiOrigin } from "./api-origin.js";
import { ManualClock, ScaledClock, type Clock } from "./clock.js";
import { sandboxControl, type SandboxControl } from "./control.js";
import { DailyExportQuota, retryAfterFlavors, type DailyExportLimits } from "./daily-quota.js";
import { elsewhereOrigin, type ElsewhereRequest } from "./elsewhere-origin.js";
import { FaultPlan, type RandomFaults } from "./faults.js";
import { sandboxFlavors, type ExtraFlavor } from "./flavors.js";
import { guardedServer, listen, stop } from "./http-server.js";
import { DEFAULT_PLAN, resolvePlan, type JobPlan } from "./job-plan.js";
import { JobStore } from "./job-store.js";
import { mulberry32 } from "./prng.js";
import { RateLimiter, type RateLimitOptions } from "./rate-limit.js";
import type { LoggedRequest } from "./request-log.js";
import { ResponseValidator } from "./response-validator.js";
import { ResultVersions } from "./result-versions.js";
import type { SandboxState } from "./sandbox-state.js";
import { UrlSigner } from "./signed-url.js";
import { storageOrigin } from "./storage-origin.js";
import { WireTimers } from "./wire-timers.js";

export { DEFAULT_ACCOUNT, type SandboxAccount } from "./accounts.js";
export type { JobSnapshot, ResultSnapshot, SandboxControl } from "./control.js";
export type { DailyExportLimits, ExportKind, ExportsToday } from "./daily-quota.js";
export type { ElsewhereRequest } from "./elsewhere-origin.js";

import { DEFAULT_REPORTS } from "./report-catalogue.js";

export { DEFAULT_REPORTS };

/**
 * How `startSandbox` behaves: its ports, accounts and extra releases, its clock, the plans of its jobs and the
 * reports it knows, the rate limit, daily export limits and list page size it enforces, the signed URLs' lifetime
 * and storage's speed, and the faults it injects at random.
 */
export interface SandboxOptions {
  /**
   * Releases to serve beside the installed flavor packages, each with its `SPEC` and merged spec: a
   * release `pnpm generate` made but that is not installed yet (routed by base path and `IR-Version` like the others).
   */
  flavors?: readonly ExtraFlavor[];
  /** Port of the API origin; 0 (the default) picks a free one. */
  port?: number;
  /** Port of the storage origin that signed download URLs point to; 0 picks a free one. */
  storagePort?: number;
  /** The accounts it accepts (default: `DEFAULT_ACCOUNT`). */
  accounts?: readonly SandboxAccount[];
  /**
   * Time: `"manual"` for a clock that moves only with `control.advance` (exact tests), or a time scale
   * (600: one real second is ten sandbox minutes) and where it starts (epoch milliseconds or a `Date`).
   * Both start at `SANDBOX_START` (2026-11-25T12:00:00Z) unless told, so a sandbox gives the same dates on any
   * day; `start: Date.now()` follows the machine's date. Defaults to scale 1 from `SANDBOX_START`.
   */
  clock?: "manual" | { timeScale: number; start?: number | Date } | Clock;
  /** The plan of every job (durations, errors, outcome, rows); see `JobPlan`. */
  job?: Partial<JobPlan>;
  /** Plans per report id or handle, and `clicks` for ClickExport jobs. */
  plans?: Record<string, Partial<JobPlan>>;
  /** Known report ids and handles, or `"any"`. */
  reports?: readonly string[] | "any";
  /** The hourly rate limit per account (default: 1,000 requests; brand's and agency's reset header an epoch second). */
  rateLimit?: Partial<RateLimitOptions>;
  /**
   * Daily export limits in place of the documented ones (100 ReportExport and 10 ClickExport jobs a day for
   * partner and brand, from their `SPEC.traits.dailyExportLimits`), so that a test reaches them in a few
   * exports: `{ ReportExport: 3, ClickExport: 1 }`. They apply where the flavor documents a limit (not agency);
   * `Infinity` lifts one.
   */
  dailyExportLimits?: DailyExportLimits;
  /** How long a signed download URL stays valid (sandbox time); 5 minutes by default. */
  signedUrlTtlMs?: number;
  /**
   * What one response of the storage origin carries at most, in bytes per second (real time), as object
   * storage limits each connection — the reason clients fetch large objects in ranges over several
   * (https://docs.aws.amazon.com/whitepapers/latest/s3-optimizing-performance-best-practices/use-byte-range-fetches.html).
   * Default: no limit.
   */
  storageBytesPerSecond?: number;
  /**
   * The most jobs one page of the Jobs list holds, whatever `PageSize` asks for ("may differ by resource":
   * https://integrations.impact.com/impact-brand/reference/pagination). Default: as asked (1,000 unasked).
   */
  maxListPageSize?: number;
  /** Random faults, drawn with a seed; scripted ones go through `control.inject`. */
  faults?: RandomFaults;
  /** Seeds job ids. */
  seed?: number;
}

/** A running sandbox, as `startSandbox` resolves it: its origins, accounts and control, and how to stop it. */
export interface Sandbox {
  /** The API origin: `createClient({ baseUrl: sandbox.url, … })`. */
  url: string;
  /** The storage origin signed download URLs point to. */
  storageUrl: string;
  /**
   * The storage origin again, on a second plain-http listener: the cleartext URL a `storage-redirect` to
   * `http` points to. Requests it receives are logged with `listener: "cleartext"`.
   */
  cleartextStorageUrl: string;
  /** Another origin, where `redirect` and `storage-redirect` to `other-origin` point; see `control.elsewhere()`. */
  elsewhereUrl: string;
  /** The accounts it accepts. */
  accounts: readonly SandboxAccount[];
  /** What tests drive and inspect: the clock, faults, jobs, the request log, rate-limit usage. */
  control: SandboxControl;
  /** Stops every origin and every pending response; leaves no handle open. */
  close(): Promise<void>;
}

function clockOf(option: SandboxOptions["clock"]): Clock {
  if (option === "manual") return new ManualClock();
  if (option === undefined) return new ScaledClock(1);
  if ("timeScale" in option) return new ScaledClock(option.timeScale, option.start === undefined ? undefined : Number(option.start));
  return option;
}

/** Listens on every server in turn; if one cannot, stops those already listening and rethrows. */
async function listenAll(servers: ReadonlyArray<[Server, number]>): Promise<string[]> {
  const origins: string[] = [];
  try {
    for (const [server, port] of servers) origins.push(await listen(server, port));
  } catch (error) {
    await Promise.all(servers.map(([server]) => stop(server)));
    throw error;
  }
  return origins;
}

/**
 * Starts an offline impact.com Jobs server: an API origin serving the three flavors
 * (`/Mediapartners`, `/Agencies`, `/Advertisers` + `/{AccountSID}`), a storage origin for signed result
 * URLs (with a second, cleartext listener) and an elsewhere origin for redirects, all on 127.0.0.1.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  if (options.storageBytesPerSecond !== undefined && !(options.storageBytesPerSecond > 0))
    throw new RangeError(`storageBytesPerSecond must be above 0, got ${options.storageBytesPerSecond}`);
  const accounts: SandboxAccount[] = [...(options.accounts ?? [DEFAULT_ACCOUNT])];
  const faults = new FaultPlan();
  faults.random(options.faults);
  const limiter = new RateLimiter({ perHour: 1_000, resetFormat: "epoch", ...options.rateLimit });
  const flavors = sandboxFlavors(options.flavors);
  const documents = new Map(flavors.map((flavor) => [flavor, flavor.document()]));
  const validator = new ResponseValidator(documents);
  const log: LoggedRequest[] = [];
  const elsewhereLog: ElsewhereRequest[] = [];
  const timers = new WireTimers();
  const state: SandboxState = {
    flavors,
    clock: clockOf(options.clock),
    jobs: new JobStore(),
    quota: new DailyExportQuota({
      limits: options.dailyExportLimits,
      retryAfter: retryAfterFlavors(documents),
      resetFormat: () => limiter.options.resetFormat,
    }),
    signer: new UrlSigner(randomBytes(32)),
    storageOrigin: "",
    cleartextStorageOrigin: "",
    elsewhereOrigin: "",
    results: new ResultVersions(),
    signedUrlTtlMs: options.signedUrlTtlMs ?? 5 * 60_000,
    storageBytesPerSecond: options.storageBytesPerSecond,
    maxListPageSize: options.maxListPageSize ?? Number.POSITIVE_INFINITY,
    reports: options.reports === "any" ? undefined : new Set(options.reports ?? DEFAULT_REPORTS),
    defaultPlan: resolvePlan(DEFAULT_PLAN, options.job),
    plans: options.plans ?? {},
    nextPlans: [],
    random: mulberry32(options.seed ?? 1),
  };

  const storageParts = { state, faults, log, timers };
  const api = guardedServer(apiOrigin({ state, accounts, faults, limiter, validator, log, timers }), timers);
  const storage = guardedServer(storageOrigin(storageParts, "main"), timers);
  const cleartextStorage = guardedServer(storageOrigin(storageParts, "cleartext"), timers);
  const elsewhere = guardedServer(elsewhereOrigin(state, elsewhereLog, timers), timers);
  const servers = [api, storage, cleartextStorage, elsewhere];
  const [url, storageUrl, cleartextStorageUrl, elsewhereUrl] = await listenAll([
    [api, options.port ?? 0],
    [storage, options.storagePort ?? 0],
    [cleartextStorage, 0],
    [elsewhere, 0],
  ]);
  state.storageOrigin = storageUrl!;
  state.cleartextStorageOrigin = cleartextStorageUrl!;
  state.elsewhereOrigin = elsewhereUrl!;

  return {
    url: url!,
    storageUrl: storageUrl!,
    cleartextStorageUrl: cleartextStorageUrl!,
    elsewhereUrl: elsewhereUrl!,
    accounts,
    control: sandboxControl({ state, accounts, faults, limiter, validator, log, elsewhereLog }),
    async close() {
      timers.clear();
      await Promise.all(servers.map(stop));
    },
  };
}
