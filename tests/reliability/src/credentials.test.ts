import { execFile } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { inspect, promisify } from "node:util";
import type { Sandbox } from "@impactkit/sandbox";
import { machineEnv } from "@impactkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ACCOUNT, CUSTOM_HEADER, exportIn, jobsOf, startReliabilitySandbox } from "./harness.ts";

const SECRETS = [ACCOUNT.authToken, Buffer.from(`${ACCOUNT.accountSid}:${ACCOUNT.authToken}`).toString("base64"), CUSTOM_HEADER.value];
let sandbox: Sandbox;
/** Every text a user or a log could see, collected across the scenarios below. */
const seen: Array<{ where: string; text: string }> = [];
const logger = {
  warn: (message: string, details?: Record<string, unknown>) => void seen.push({ where: "logger", text: `${message} ${JSON.stringify(details)}` }),
};

function record(where: string, error: unknown): void {
  seen.push({ where, text: `${String(error)}\n${(error as Error).message}\n${JSON.stringify(error)}\n${inspect(error, { depth: 10 })}` });
}
async function failure(where: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (error) {
    record(where, error);
    return;
  }
  throw new Error(`${where}: expected a failure`);
}

beforeAll(async () => {
  sandbox = await startReliabilitySandbox();
});
afterAll(async () => {
  await sandbox.close();
});

describe("the auth token never shows", () => {
  it("in any error, its toString, JSON or inspection", async () => {
    const jobs = jobsOf(sandbox, "partner-v15", { logger, retries: 1 });
    const handle = await exportIn(jobs, 1);
    await jobs.wait(handle.id);
    await failure("ApiError 404", () => jobs.get("00000000-0000-4000-8000-000000000000"));
    sandbox.control.inject({ route: "getJob", fault: { kind: "rate-limit", retryAfterSeconds: 1 }, times: 2 });
    await failure("RateLimitError", () => jobs.get(handle.id));
    sandbox.control.inject({ route: "getJob", fault: { kind: "xml" }, times: 2 });
    await failure("TransportError (XML)", () => jobs.get(handle.id));
    sandbox.control.inject({ route: "getJob", fault: { kind: "reset" }, times: 2 });
    await failure("TransportError (reset)", () => jobs.get(handle.id));
    sandbox.control.inject({ route: "getJob", fault: { kind: "stall" }, times: 2 });
    await failure("TransportError (timeout)", () => jobs.get(handle.id));
    sandbox.control.inject({ route: "storage", fault: { kind: "truncate" }, times: 5 });
    await failure("DownloadError", () => jobs.download(handle.id, { to: join(mkdtempSync(join(tmpdir(), "cred-")), "x.csv"), maxAttempts: 1 }));
    sandbox.control.inject({ route: "exportReport", fault: { kind: "export-error" } });
    await failure("ExportRefusedError", () => exportIn(jobs, 2));
    sandbox.control.planNext({ outcome: "FAILED" });
    const failing = await exportIn(jobs, 3);
    await failure("JobFailedError", () => jobs.wait(failing.id));
    sandbox.control.planNext({ runMs: 3_600_000 });
    const slow = await exportIn(jobs, 4);
    await failure("JobTimeoutError", () => jobs.wait(slow.id, { timeoutMs: 30_000 }));
    const controller = new AbortController();
    const aborted = jobs.wait(slow.id, { signal: controller.signal });
    controller.abort();
    await failure("JobAbortedError", () => aborted);
    const unauthorised = jobsOf(sandbox, "brand");
    await failure("InvalidArgumentError", () => unauthorised.get("../x"));
    expect(seen.filter((entry) => entry.where !== "logger").map((entry) => entry.where)).toHaveLength(11);
  });

  it("in a resume token", async () => {
    const jobs = jobsOf(sandbox, "agency-v3", { logger });
    sandbox.control.planNext({ runMs: 60_000 });
    const handle = await exportIn(jobs, 5);
    const tokens: string[] = [];
    await jobs.wait(handle.id, { onCheckpoint: (token) => tokens.push(token) });
    expect(tokens.length).toBeGreaterThan(0);
    for (const token of tokens) seen.push({ where: "resume token", text: `${token}\n${Buffer.from(token, "base64url").toString("utf8")}` });
  });

  it("in CLI output, --verbose and failures included", async () => {
    /** The CLI runs in a child process: the sandbox in this one must keep serving, so the child is awaited, not waited for synchronously. */
    const impactkit = async (args: string[], env: NodeJS.ProcessEnv) => {
      try {
        const { stdout, stderr } = await promisify(execFile)(process.execPath, [bin, ...args], { env, encoding: "utf8" });
        return { status: 0, output: stdout + stderr };
      } catch (error) {
        const failed = error as { code: number; stdout: string; stderr: string };
        return { status: failed.code, output: failed.stdout + failed.stderr };
      }
    };
    const bin = join(createRequire(import.meta.url).resolve("@impactkit/cli"), "..", "bin.js");
    const env = {
      ...machineEnv(),
      IMPACT_ACCOUNT_SID: ACCOUNT.accountSid,
      IMPACT_AUTH_TOKEN: ACCOUNT.authToken,
      IMPACT_BASE_URL: sandbox.url,
      IMPACT_API: "partner-v15",
    };
    for (const args of [
      ["jobs", "list", "--verbose"],
      ["jobs", "list", "--json", "--verbose"],
      ["jobs", "get", "00000000-0000-4000-8000-000000000000", "--verbose"],
      ["export", "report", "nope", "--json", "--verbose"],
      ["jobs", "get", "../x"],
    ]) {
      const run = await impactkit(args, env);
      seen.push({ where: `impactkit ${args.join(" ")}`, text: run.output });
    }
    const withFlag = await impactkit(["jobs", "list", "--verbose", "--auth-token", ACCOUNT.authToken, "--account-sid", ACCOUNT.accountSid], {
      ...env,
      IMPACT_AUTH_TOKEN: "",
      IMPACT_ACCOUNT_SID: "",
    });
    expect(withFlag.status).toBe(0);
    expect(withFlag.output).toMatch(/→ api GET http:\/\/127\.0\.0\.1:\d+\/Mediapartners\/IRRELIABLE01\/Jobs/);
    seen.push({ where: "impactkit with --auth-token", text: withFlag.output });
  });

  it("anywhere above", () => {
    expect(seen.length).toBeGreaterThan(15);
    for (const { where, text } of seen) for (const secret of SECRETS) expect(text.includes(secret), `${where} shows a credential`).toBe(false);
  });
});
