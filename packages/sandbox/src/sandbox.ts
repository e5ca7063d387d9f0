import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { matchRoute, errorReply, type RouteContext } from "./api-routes.js";
import { followClock, ManualClock, manualTimers, ScaledClock, type Clock, type ClockTimers } from "./clock.js";
import { FaultPlan, type Fault, type RandomFaults, type ScriptedFault } from "./faults.js";
import { FLAVORS, flavorBySegment, loadSpecDocument, type FlavorId } from "./flavors.js";
import { DEFAULT_PLAN, resolvePlan, type JobPlan } from "./job-plan.js";
import { jobState, JobStore, type JobState, type SandboxJob } from "./job-store.js";
import { mulberry32 } from "./prng.js";
import { RateLimiter, type RateLimitOptions } from "./rate-limit.js";
import { deliver, type Reply } from "./reply.js";
import { logEntry, type LoggedRequest } from "./request-log.js";
import { ResponseValidator, type Violation } from "./response-validator.js";
import { jobResult, type SandboxState } from "./sandbox-state.js";
import { resultSha256 } from "./result-file.js";
import { UrlSigner } from "./signed-url.js";
import { toWireJob } from "./wire-job.js";

export interface SandboxAccount {
  accountSid: string;
  authToken: string;
  /** The flavors this account may call; all three when omitted. */
  flavors?: readonly FlavorId[];
}

/** The account a sandbox has when none are configured. */
export const DEFAULT_ACCOUNT: SandboxAccount = { accountSid: "IRSANDBOX0001", authToken: "sandbox-token" };

/** Report ids and handles known to a sandbox unless `reports` says otherwise. */
export const DEFAULT_REPORTS: readonly string[] = ["mp_action_listing_fast", "mp_action_listing_sku", "att_adv_performance_by_day_pm_only", "adv_action_listing_pm_only", "adv_click_data_pm_only", "4222"];

export interface SandboxOptions {
  /** Port of the API origin; 0 (the default) picks a free one. */
  port?: number;
  /** Port of the storage origin that signed download URLs point to; 0 picks a free one. */
  storagePort?: number;
  accounts?: readonly SandboxAccount[];
  /**
   * Time: `"manual"` for a clock that moves only with `control.advance` (exact tests), or a time scale
   * (600: one real second is ten sandbox minutes). Defaults to real time (scale 1).
   */
  clock?: "manual" | { timeScale: number } | Clock;
  /** The plan of every job (durations, errors, outcome, rows); see `JobPlan`. */
  job?: Partial<JobPlan>;
  /** Plans per report id or handle, and `clicks` for ClickExport jobs. */
  plans?: Record<string, Partial<JobPlan>>;
  /** Known report ids and handles, or `"any"`. */
  reports?: readonly string[] | "any";
  rateLimit?: Partial<RateLimitOptions>;
  /** How long a signed download URL stays valid (sandbox time); 5 minutes by default. */
  signedUrlTtlMs?: number;
  /** Random faults, drawn with a seed; scripted ones go through `control.inject`. */
  faults?: RandomFaults;
  /** Seeds job ids. */
  seed?: number;
}

export interface JobSnapshot {
  job: SandboxJob;
  state: JobState;
  /** The Job as the API sends it now. */
  wire: Record<string, string>;
}

/** What tests and demos use to steer and observe a sandbox. */
export interface SandboxControl {
  readonly clock: Clock;
  /** Moves a manual clock forward. */
  advance(ms: number): void;
  /**
   * Timers that follow the sandbox's clock, to pass to `createJobs({ timing })` so that the client waits in
   * sandbox time: with a scaled clock they run at its pace; with the manual clock they fire only as it moves.
   */
  timers(): ClockTimers;
  /**
   * Manual clock: waits until a client has armed a timer, moves the clock to the soonest one and fires it;
   * resolves to the sandbox time it fired at. A test steps a wait check by check with it, on any machine.
   */
  runNextTimer(): Promise<number>;
  /** Manual clock: waits until a client has armed a timer and resolves to when the soonest one is due, firing nothing. */
  nextTimer(): Promise<number>;
  addAccount(account: SandboxAccount): void;
  /** The plan of the next job created (queued: each call plans one more job). */
  planNext(plan: Partial<JobPlan>): void;
  /** Cancels a job now, as only an impact.com administrator can. */
  cancel(jobId: string): void;
  job(jobId: string): JobSnapshot;
  jobs(): JobSnapshot[];
  /** Size and sha256 of a job's result file, as the storage origin serves it. */
  result(jobId: string): Promise<{ size: number; sha256: string; contentType: string }>;
  inject(fault: ScriptedFault): void;
  randomFaults(faults: RandomFaults | undefined): void;
  clearFaults(): void;
  /** Requests seen by one origin or both, credentials redacted. */
  requests(origin?: LoggedRequest["origin"]): LoggedRequest[];
  clearRequests(): void;
  /** JSON responses that did not match the flavor's merged spec (faults excepted). */
  violations(): Violation[];
  setRateLimit(options: Partial<RateLimitOptions>): void;
}

export interface Sandbox {
  /** The API origin: `createClient({ baseUrl: sandbox.url, … })`. */
  url: string;
  /** The storage origin signed download URLs point to. */
  storageUrl: string;
  accounts: readonly SandboxAccount[];
  control: SandboxControl;
  /** Stops both origins and every pending response; leaves no handle open. */
  close(): Promise<void>;
}

const FAULTS_THAT_KEEP_BODIES_VALID = new Set<Fault["kind"] | undefined>([undefined, "status", "rate-limit", "stall", "slow", "expired-url"]);

function clockOf(option: SandboxOptions["clock"]): Clock {
  if (option === "manual") return new ManualClock();
  if (option === undefined) return new ScaledClock(1);
  if ("timeScale" in option) return new ScaledClock(option.timeScale);
  return option;
}

function basicCredentials(header: string | undefined): { user: string; password: string } | undefined {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/.exec(header ?? "");
  if (!match) return undefined;
  const decoded = Buffer.from(match[1]!, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon === -1 ? undefined : { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function listen(server: Server, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function storageError(status: number, code: string, message: string): Reply {
  return { status, text: { body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`, contentType: "application/xml" } };
}

/** A single byte range (RFC 9110 §14.1.2), or `undefined` to send the whole file, or "unsatisfiable". */
function byteRange(header: string | undefined, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header?.trim() ?? "");
  if (!match || (match[1] === "" && match[2] === "")) return undefined;
  if (match[1] === "") {
    const suffix = Number(match[2]);
    return suffix === 0 || size === 0 ? "unsatisfiable" : { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  return start >= size || end < start ? "unsatisfiable" : { start, end };
}

/**
 * Starts an offline impact.com Jobs server: an API origin serving the three flavors
 * (`/Mediapartners`, `/Agencies`, `/Advertisers` + `/{AccountSID}`) and a storage origin for signed
 * result URLs, both on 127.0.0.1.
 */
export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const accounts: SandboxAccount[] = [...(options.accounts ?? [DEFAULT_ACCOUNT])];
  const clock = clockOf(options.clock);
  const faults = new FaultPlan();
  faults.random(options.faults);
  const limiter = new RateLimiter({ perHour: 1_000, resetFormat: "epoch", ...options.rateLimit });
  const validator = new ResponseValidator(new Map(FLAVORS.map((flavor) => [flavor, loadSpecDocument(flavor)])));
  const log: LoggedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const state: SandboxState = {
    clock,
    jobs: new JobStore(),
    signer: new UrlSigner(randomBytes(32)),
    storageOrigin: "",
    signedUrlTtlMs: options.signedUrlTtlMs ?? 5 * 60_000,
    reports: options.reports === "any" ? undefined : new Set(options.reports ?? DEFAULT_REPORTS),
    defaultPlan: resolvePlan(DEFAULT_PLAN, options.job),
    plans: options.plans ?? {},
    nextPlans: [],
    random: mulberry32(options.seed ?? 1),
  };

  function handleApi(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", "http://sandbox.invalid");
    const entry = logEntry("api", request.method ?? "GET", url, request.headers);
    log.push(entry);
    response.on("finish", () => (entry.status = response.statusCode));
    let segments: string[];
    try {
      segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    } catch {
      return deliver(response, errorReply(400, "The request path is not valid percent-encoding."), { fault: undefined, wantsJson: true, timers });
    }
    const last = segments.at(-1);
    const jsonSuffix = last?.endsWith(".json") ?? false;
    if (jsonSuffix) segments[segments.length - 1] = last!.slice(0, -".json".length);
    const wantsJson = jsonSuffix || (request.headers.accept ?? "").includes("application/json");
    const flavor = flavorBySegment(segments[0] ?? "");
    const send = (reply: Reply, fault?: Fault) => deliver(response, reply, { fault, wantsJson, timers });
    if (!flavor || segments.length < 3) return send(errorReply(404, "The requested resource does not exist."));
    const accountSid = segments[1]!;
    const credentials = basicCredentials(request.headers.authorization);
    const account = accounts.find((candidate) => candidate.accountSid === credentials?.user && candidate.authToken === credentials?.password);
    if (!account || account.accountSid !== accountSid || (account.flavors && !account.flavors.includes(flavor.id))) {
      return send({ ...errorReply(401, "Unauthorized. Check that your Account SID and Auth Token are correct."), headers: { "WWW-Authenticate": 'Basic realm="impact.com"' } });
    }
    const rest = segments.slice(2);
    const matched = matchRoute(flavor, request.method ?? "GET", rest);
    if ("error" in matched) return send(matched.error);
    const rate = limiter.take(flavor, accountSid, clock.now());
    const fault = faults.take(matched.route, matched.jobId);
    if (fault) entry.fault = fault.kind;
    let reply: Reply;
    if (!rate.allowed) reply = { ...errorReply(429, "Rate limit exceeded."), headers: rate.headers };
    else if (fault?.kind === "status") reply = { ...errorReply(fault.status, "The server encountered an error. Retry with exponential backoff."), headers: rate.headers };
    else if (fault?.kind === "rate-limit") {
      // As in the docs' example 429, the budget renews when Retry-After says (RateLimit-Reset: 700, Retry-After: 700).
      const names = flavor.rateLimitHeaders;
      const seconds = fault.retryAfterSeconds ?? 1;
      const reset = flavor.api === "partner" || limiter.options.resetFormat === "seconds" ? seconds : Math.floor(clock.now() / 1000) + seconds;
      reply = { ...errorReply(429, "Rate limit exceeded."), headers: { ...rate.headers, [names.remaining]: "0", [names.reset]: String(reset), "Retry-After": String(seconds) } };
    } else {
      const context: RouteContext = { state, flavor, accountSid, url, rest, fault };
      reply = matched.handle(context);
      reply.headers = { ...rate.headers, ...reply.headers };
    }
    if (fault?.kind === "unknown-status" && reply.json !== undefined) {
      const jobs = Array.isArray(reply.json) ? reply.json : ((reply.json as { Jobs?: unknown[] }).Jobs ?? [reply.json]);
      for (const job of jobs as Array<Record<string, string>>) if (job["Status"]) job["Status"] = fault.status ?? "PAUSED";
    }
    if (reply.json !== undefined && FAULTS_THAT_KEEP_BODIES_VALID.has(fault?.kind)) validator.check(flavor, matched.route, reply.status, reply.json);
    send(reply, fault);
  }

  function handleStorage(request: IncomingMessage, response: ServerResponse): void {
    const url = new URL(request.url ?? "/", "http://storage.invalid");
    const entry = logEntry("storage", request.method ?? "GET", url, request.headers);
    log.push(entry);
    response.on("finish", () => (entry.status = response.statusCode));
    const verdict = state.signer.verify(url, clock.now());
    const jobId = verdict.ok ? verdict.jobId : undefined;
    const fault = faults.take("storage", jobId);
    if (fault) entry.fault = fault.kind;
    const send = (reply: Reply) => deliver(response, reply, { fault, wantsJson: true, timers });
    if (request.headers.authorization !== undefined) return send(storageError(400, "InvalidArgument", "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified"));
    if (request.method !== "GET") return send(storageError(403, "SignatureDoesNotMatch", "The request signature does not match: the URL is signed for GET."));
    if (!verdict.ok) {
      const code = verdict.reason === "expired" ? "ExpiredToken" : "SignatureDoesNotMatch";
      return send(storageError(403, code, verdict.reason === "expired" ? "Request has expired" : "The request signature we calculated does not match the signature you provided"));
    }
    if (fault?.kind === "status") return send(storageError(fault.status, "InternalError", "We encountered an internal error. Please try again."));
    const job = state.jobs.get(verdict.jobId);
    if (!job) return send(storageError(404, "NoSuchKey", "The specified key does not exist."));
    const file = jobResult(job);
    const headers = { "Accept-Ranges": "bytes", ETag: `"${job.id}-${file.size}"`, "Content-Disposition": `attachment; filename="${job.id}.${job.resultFormat.toLowerCase()}"` };
    const range = byteRange(request.headers.range, file.size);
    if (range === "unsatisfiable") return send({ ...storageError(416, "InvalidRange", "The requested range is not satisfiable"), headers: { "Content-Range": `bytes */${file.size}` } });
    if (range === undefined) return send({ status: 200, headers, raw: { stream: () => file.stream(), length: file.size, contentType: file.contentType } });
    send({
      status: 206,
      headers: { ...headers, "Content-Range": `bytes ${range.start}-${range.end}/${file.size}` },
      raw: { stream: () => file.stream(range.start, range.end), length: range.end - range.start + 1, contentType: file.contentType },
    });
  }

  /** A bug in a route answers 500 with the envelope instead of taking the sandbox down. */
  const guarded =
    (handle: (request: IncomingMessage, response: ServerResponse) => void) =>
    (request: IncomingMessage, response: ServerResponse): void => {
      try {
        handle(request, response);
      } catch (error) {
        if (!response.headersSent) deliver(response, errorReply(500, `Sandbox error: ${(error as Error).message}`), { fault: undefined, wantsJson: true, timers });
        else response.destroy();
      }
    };
  const api = createServer(guarded(handleApi));
  const storage = createServer(guarded(handleStorage));
  const url = await listen(api, options.port ?? 0);
  const storageUrl = await listen(storage, options.storagePort ?? 0).catch(async (error: unknown) => {
    await new Promise((resolve) => api.close(resolve));
    throw error;
  });
  state.storageOrigin = storageUrl;

  const snapshot = (job: SandboxJob): JobSnapshot => {
    const now = clock.now();
    return { job, state: jobState(job, now), wire: toWireJob(FLAVORS.find((flavor) => flavor.id === job.flavor)!, job, now) };
  };
  const existing = (jobId: string): SandboxJob => {
    const job = state.jobs.get(jobId);
    if (!job) throw new Error(`no sandbox job ${jobId}`);
    return job;
  };

  const control: SandboxControl = {
    clock,
    advance(ms) {
      if (!(clock instanceof ManualClock)) throw new Error('advance needs the manual clock: startSandbox({ clock: "manual" })');
      clock.advance(ms);
    },
    timers() {
      if (clock instanceof ManualClock) return manualTimers(clock);
      if (!(clock instanceof ScaledClock)) throw new Error('timers() needs the manual clock or a scaled one: startSandbox({ clock: "manual" }) or { clock: { timeScale } }');
      return followClock(clock);
    },
    runNextTimer() {
      if (!(clock instanceof ManualClock)) throw new Error('runNextTimer needs the manual clock: startSandbox({ clock: "manual" })');
      return clock.runNextTimer();
    },
    nextTimer() {
      if (!(clock instanceof ManualClock)) throw new Error('nextTimer needs the manual clock: startSandbox({ clock: "manual" })');
      return clock.nextTimer();
    },
    addAccount: (account) => void accounts.push(account),
    planNext: (plan) => void state.nextPlans.push(resolvePlan(state.defaultPlan, plan)),
    cancel(jobId) {
      existing(jobId).cancelledAt = clock.now();
    },
    job: (jobId) => snapshot(existing(jobId)),
    jobs: () => state.jobs.all().map(snapshot),
    async result(jobId) {
      const file = jobResult(existing(jobId));
      return { size: file.size, sha256: await resultSha256(file), contentType: file.contentType };
    },
    inject: (fault) => faults.inject(fault),
    randomFaults: (random) => faults.random(random),
    clearFaults: () => faults.clear(),
    requests: (origin) => log.filter((entry) => origin === undefined || entry.origin === origin),
    clearRequests: () => void log.splice(0),
    violations: () => [...validator.violations],
    setRateLimit(change) {
      limiter.options = { ...limiter.options, ...change };
      limiter.reset();
    },
  };

  return {
    url,
    storageUrl,
    accounts,
    control,
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.all(
        [api, storage].map(
          (server) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      );
    },
  };
}
