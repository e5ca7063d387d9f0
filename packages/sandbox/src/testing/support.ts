import { createHash } from "node:crypto";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { createClient as agencyClient, type Client as AgencyClient } from "@impactkit/agency-v3";
import { createClient as brandClient, type Client as BrandClient } from "@impactkit/brand";
import { createClient as partnerClient, type Client as PartnerClient } from "@impactkit/partner-v15";
import { afterAll, beforeAll, expect } from "vitest";
import { DEFAULT_ACCOUNT, startSandbox, type Sandbox, type SandboxAccount } from "../sandbox.js";

/** The three flavor clients, pointed at a sandbox with its default account. */
export function clientsFor(sandbox: Sandbox, account: SandboxAccount = DEFAULT_ACCOUNT): { partner: PartnerClient; agency: AgencyClient; brand: BrandClient } {
  const options = { accountSid: account.accountSid, authToken: account.authToken, baseUrl: sandbox.url };
  return { partner: partnerClient(options), agency: agencyClient(options), brand: brandClient(options) };
}

/** The JobId in the `QueuedUri` of an export's answer. */
export function queuedJobId(answer: unknown): string {
  const uri = (answer as { QueuedUri?: string } | undefined)?.QueuedUri;
  if (!uri) throw new Error(`not a queued job: ${JSON.stringify(answer)}`);
  return uri.split("/").at(-1)!;
}

/** Reads a whole body. */
export async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}

/** The default account's Basic credentials and a JSON `Accept`, for raw requests to the API origin. */
export const API_HEADERS: Record<string, string> = {
  Authorization: `Basic ${Buffer.from(`${DEFAULT_ACCOUNT.accountSid}:${DEFAULT_ACCOUNT.authToken}`).toString("base64")}`,
  Accept: "application/json",
};

/** A response over `node:http`, as it arrives: no decoding, no redirect following. */
export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The bytes received so far. */
  received(): Buffer;
  /** How many pieces (`data` events) they came in. */
  pieces(): number;
  /** Resolves once at least `bytes` bytes have arrived (or the response is over). */
  bytes(bytes: number): Promise<void>;
  /** Resolves when the response ends (`ended: true`) or breaks (`ended: false`, with the error). */
  done: Promise<{ ended: boolean; body: Buffer; error?: Error }>;
  abort(): void;
}

/** Sends a request over `node:http` and resolves at the response's headers. */
export function rawRequest(url: string, options: { method?: string; headers?: Record<string, string> } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: options.method ?? "GET", headers: options.headers ?? {}, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      let total = 0;
      let over = false;
      const waiting: Array<{ bytes: number; wake: () => void }> = [];
      const wakeUp = () => {
        for (const waiter of waiting.splice(0))
          if (over || total >= waiter.bytes) waiter.wake();
          else waiting.push(waiter);
      };
      const done = new Promise<{ ended: boolean; body: Buffer; error?: Error }>((settle) => {
        const finish = (error?: Error) => {
          if (over) return;
          over = true;
          wakeUp();
          settle({ ended: error === undefined, body: Buffer.concat(chunks), ...(error ? { error } : {}) });
        };
        response.on("data", (chunk: Buffer) => {
          chunks.push(chunk);
          total += chunk.length;
          wakeUp();
        });
        response.on("end", () => finish());
        response.on("error", finish);
        response.on("aborted", () => finish(new Error("aborted")));
        response.on("close", () => finish(response.complete ? undefined : new Error("closed before the end")));
      });
      resolve({
        status: response.statusCode!,
        headers: response.headers,
        received: () => Buffer.concat(chunks),
        pieces: () => chunks.length,
        bytes: (bytes) =>
          new Promise<void>((wake) => {
            waiting.push({ bytes, wake });
            wakeUp();
          }),
        done,
        abort: () => request.destroy(),
      });
    });
    request.on("error", reject);
    request.end();
  });
}

/** Exports a report as the default partner account and moves the manual clock until the job is COMPLETED. */
export async function completedJob(sandbox: Sandbox, day = "2026-11-01"): Promise<string> {
  const { partner } = clientsFor(sandbox);
  const { data } = await partner.GET("/ReportExport/{Id}", { params: { path: { Id: "mp_action_listing_fast" }, query: { START_DATE: day, END_DATE: day } } });
  const jobId = queuedJobId(data);
  while (sandbox.control.job(jobId).state.status !== "COMPLETED") sandbox.control.advance(1_000);
  return jobId;
}

/** The signed storage URL the Download of a completed job redirects to. */
export async function signedUrlOf(sandbox: Sandbox, jobId: string): Promise<string> {
  const response = await fetch(`${sandbox.url}/Mediapartners/${DEFAULT_ACCOUNT.accountSid}/Jobs/${jobId}/Download`, {
    headers: API_HEADERS,
    redirect: "manual",
  });
  if (response.status !== 302) throw new Error(`Download answered ${response.status}`);
  return response.headers.get("location")!;
}

/** A manual-clock sandbox with one completed job, for the tests of a file: started before them, checked and closed after. */
export interface StoredResult {
  sandbox: Sandbox;
  jobId: string;
  signedUrl: string;
  /** The result's bytes as the storage origin serves them. */
  whole: Buffer;
  /** What `control.result` says of it. */
  truth: Awaited<ReturnType<Sandbox["control"]["result"]>>;
}

/** Registers the hooks that give a test file a `StoredResult` of `rows` rows; its fields are set once `beforeAll` ran. */
export function storedResult(rows: number): StoredResult {
  const stored = {} as StoredResult;
  beforeAll(async () => {
    stored.sandbox = await startSandbox({ clock: "manual", job: { queueMs: 0, runMs: 1_000, rows }, signedUrlTtlMs: 3_600_000 });
    stored.jobId = await completedJob(stored.sandbox);
    stored.signedUrl = await signedUrlOf(stored.sandbox, stored.jobId);
    stored.whole = await bytesOf(await fetch(stored.signedUrl));
    stored.truth = await stored.sandbox.control.result(stored.jobId);
  });
  afterAll(async () => {
    expect(stored.sandbox.control.violations()).toEqual([]);
    await stored.sandbox.close();
  });
  return stored;
}

export function sha256(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
