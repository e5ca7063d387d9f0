import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";

const HERE = import.meta.dirname;

export interface SandboxProcess {
  url: string;
  storageUrl: string;
  /** Sandbox epoch ms and real epoch ms at start, to compute the sandbox's time in another process. */
  sandboxNow: number;
  realNow: number;
  /** Stops it; resolves with its request counts. */
  stop(): Promise<{ apiRequests: number; rateLimited: number }>;
}

/** Starts `serve-sandbox.ts` in a child process; its options go through a temporary file (thousands of job plans outgrow argv). */
export async function sandboxProcess(options: Record<string, unknown>): Promise<SandboxProcess> {
  const folder = mkdtempSync(join(tmpdir(), "impactkit-sandbox-options-"));
  const file = join(folder, "options.json");
  writeFileSync(file, JSON.stringify(options));
  const child = spawn(process.execPath, [join(HERE, "serve-sandbox.ts"), file], { stdio: ["pipe", "pipe", "pipe"] });
  child.on("exit", () => rmSync(folder, { recursive: true, force: true }));
  const first = await createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next();
  const info = JSON.parse(first.value as string) as Omit<SandboxProcess, "stop">;
  return {
    ...info,
    stop: () =>
      new Promise((resolve) => {
        let stderr = "";
        child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("exit", () => resolve(JSON.parse(stderr.trim().split("\n").at(-1) ?? "{}")));
        child.stdin!.end();
      }),
  };
}

/** Runs a script of this folder in a child process and parses the JSON line it prints last. */
export function runChild<T>(script: string, args: readonly string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(process.execPath, [join(HERE, script), ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(stdout.trim().split("\n").at(-1)!) as T) : reject(new Error(`${script} exited ${code}: ${stdout}`))));
  });
}

/** Runs a command; resolves with its stdout. */
export function command(file: string, args: readonly string[], cwd?: string, env?: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ["ignore", "pipe", "pipe"], ...(cwd ? { cwd } : {}), ...(env ? { env } : {}) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(stdout) : reject(new Error(`${file} ${args.join(" ")} exited ${code}: ${stderr || stdout}`))));
  });
}
