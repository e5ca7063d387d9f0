import { execFile, spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { type SandboxOptions, type Sandbox, startSandbox } from "@impactkit/sandbox";
import { machineEnv } from "@impactkit/testing";
import { expect } from "vitest";

export const BIN: string = join(import.meta.dirname, "..", "..", "dist", "bin.js");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the real `impactkit` binary. */
export function start(args: readonly string[], env: Record<string, string>): { child: ChildProcess; done: Promise<Run>; output: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...machineEnv(), ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return { child, done, output: () => stdout + stderr };
}

/** The lines of stderr that are impactkit's own messages (`impactkit: …`), without the progress that goes there too. */
export function messages(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith("impactkit: "))
    .map((line) => `${line}\n`)
    .join("");
}

/** Runs the real `impactkit` binary to its end. */
export function impactkit(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return start(args, env).done;
}

/**
 * Waits until `check()` holds, looking every 25 ms, up to `attempts` times; then fails naming `what`.
 * A bound on waiting for an event, not a duration under test.
 */
export async function until(check: () => boolean, what: string, attempts = 400): Promise<void> {
  for (let attempt = 0; !check(); attempt += 1) {
    if (attempt >= attempts) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/**
 * The fields the CLI's tests give a Job over `jobBody`'s (from `@impactkit/jobs/testing`): `jobBody(status, { Id, ...JOB_FIELDS, ...fields })`.
 */
export const JOB_FIELDS = { PercentageComplete: "40", RecordsProcessed: "400", CreatedDate: "2026-11-24T10:00:00Z", Replayable: "true" } as const;

/** The CLI run against a sandbox with one account (`sandboxedCli`). */
export interface SandboxedCli {
  readonly sandbox: Sandbox;
  /** The account's variables for `api`, pointed at the sandbox. */
  env(api?: string): Record<string, string>;
  /** Runs `impactkit args` to its end, kept for `close`'s checks. */
  cli(args: string[], environment?: Record<string, string>): Promise<Run>;
  /** Keeps a run made otherwise (`start`) for `close`'s checks. */
  keep(run: Run): Run;
  /** Checks that no run printed the token or its Basic credentials and that the sandbox saw no violation, then closes it. */
  close(): Promise<void>;
}

/** A sandbox with the account `accountSid`/`authToken` (and `options`), and the CLI run against it. */
export async function sandboxedCli(accountSid: string, authToken: string, options: Omit<SandboxOptions, "accounts">): Promise<SandboxedCli> {
  const sandbox = await startSandbox({ accounts: [{ accountSid, authToken }], ...options });
  const runs: Run[] = [];
  const basic = Buffer.from(`${accountSid}:${authToken}`).toString("base64");
  const env = (api = "partner-v15") => ({ IMPACT_ACCOUNT_SID: accountSid, IMPACT_AUTH_TOKEN: authToken, IMPACT_API: api, IMPACT_BASE_URL: sandbox.url });
  const keep = (run: Run) => (runs.push(run), run);
  return {
    sandbox,
    env,
    keep,
    cli: async (args, environment = env()) => keep(await impactkit(args, environment)),
    async close() {
      for (const run of runs) {
        expect(run.stdout + run.stderr).not.toContain(authToken);
        expect(run.stdout + run.stderr).not.toContain(basic);
      }
      expect(sandbox.control.violations()).toEqual([]);
      await sandbox.close();
    },
  };
}

/** What a pseudo-terminal (util-linux `script`) shows of `impactkit args`: stdout and stderr are a terminal there; line ends as `\n`. */
export function onTerminal(args: readonly string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const command = [process.execPath, BIN, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(" ");
    execFile("script", ["-qefc", command, "/dev/null"], { env: { ...machineEnv(), TERM: "xterm", ...env }, encoding: "utf8" }, (error, stdout) => {
      // The command's own exit status is the test's to check; a missing `script` fails the test instead of showing nothing.
      if ((error as NodeJS.ErrnoException | null)?.code === "ENOENT")
        reject(new Error("script is not installed: the terminal tests run util-linux script (apt-get install bsdutils)"));
      else resolve(stdout.replaceAll("\r\n", "\n"));
    });
  });
}
