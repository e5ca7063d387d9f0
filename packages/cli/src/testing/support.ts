import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { machineEnv } from "@impactkit/testing";

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
