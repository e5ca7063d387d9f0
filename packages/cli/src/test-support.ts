import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";

export const BIN: string = join(import.meta.dirname, "..", "dist", "bin.js");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the real `impactkit` binary. */
export function start(args: readonly string[], env: Record<string, string>): { child: ChildProcess; done: Promise<Run>; output: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { PATH: process.env["PATH"] ?? "", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return { child, done, output: () => stdout + stderr };
}

/** Runs the real `impactkit` binary to its end. */
export function impactkit(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return start(args, env).done;
}
