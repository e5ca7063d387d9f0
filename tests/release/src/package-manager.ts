import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { runBounded } from "./bounded-process.js";

/** How long the registry check may take: well inside the minute in which an unreachable registry must fail. */
const REGISTRY_CHECK_MS = 30_000;

/** What a failed registry request's error code means, and where to look. */
const HINTS: ReadonlyArray<[RegExp, string]> = [
  [/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS/, "is NODE_EXTRA_CA_CERTS (or SSL_CERT_FILE, npm's cafile) passed through?"],
  [/ENOTFOUND|EAI_AGAIN/, "the registry's host does not resolve: is HTTPS_PROXY passed through?"],
  [/ECONNREFUSED|ECONNRESET|EPIPE|E407|EPROXY/, "the registry or its proxy refused the connection: are HTTPS_PROXY and NO_PROXY right?"],
  [/ETIMEDOUT|ESOCKETTIMEDOUT|ERR_SOCKET_TIMEOUT/, "the registry did not answer in time: is HTTPS_PROXY passed through?"],
];

/** PATH without `node_modules` entries: the one the user's shell has, where `node` is the machine's own. */
export function shellPath(env: NodeJS.ProcessEnv = process.env): string {
  return (env["PATH"] ?? "")
    .split(delimiter)
    .filter((entry) => entry !== "" && !entry.includes("node_modules"))
    .join(delimiter);
}

/** The environment a package manager gets in the user's shell: everything (CA, proxy, npm_config_*), with that PATH. */
export function shellEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return { ...env, PATH: shellPath(env) };
}

/** The first executable named `name` on the shell's PATH. */
function onShellPath(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const found = shellPath(env)
    .split(delimiter)
    .map((dir) => join(dir, name))
    .find((file) => existsSync(file));
  if (!found) throw new Error(`${name} is not on PATH outside node_modules (PATH=${shellPath(env)})`);
  return found;
}

/** The error code a package manager printed (`npm error code …`, `ERR_PNPM_…`, or a bare errno). */
function errorCode(output: string): string | undefined {
  return (
    /npm (?:error|ERR!) code (\S+)/.exec(output)?.[1] ??
    /\b(ERR_PNPM_\w+)/.exec(output)?.[1] ??
    /\b(E(?:CONN\w+|NOTFOUND|AI_AGAIN|TIMEDOUT)|[A-Z_]*CERT[A-Z_]*)\b/.exec(output)?.[1]
  );
}

/** For a failed registry request: one line naming the cause and where to look. */
function networkFailure(tool: string, output: string): string | undefined {
  const code = errorCode(output);
  const hint = code === undefined ? undefined : HINTS.find(([pattern]) => pattern.test(code))?.[1];
  if (code === undefined || hint === undefined) return undefined;
  const registry = /request to (https?:\/\/[^/\s]+)/.exec(output)?.[1];
  return `${tool} could not reach the registry${registry ? ` at ${registry}` : ""}: ${code} — ${hint}`;
}

/** One line naming why a package-manager command failed: for a network failure, the cause and where to look. */
export function describeFailure(tool: string, command: string, output: string): string {
  const code = errorCode(output);
  return networkFailure(tool, output) ?? `${tool} ${command} failed${code ? ` (${code})` : ""}: ${lastLine(output) || "no output"}`;
}

function lastLine(output: string): string {
  return output.trim().split("\n").at(-1)?.trim() ?? "";
}

export interface PackageManagerRun {
  cwd: string;
  timeoutMs: number;
  env?: NodeJS.ProcessEnv;
}

/**
 * Runs the machine's `npm` or `pnpm` as the user's shell would, bounded, and throws one line naming the
 * cause when it fails or runs out of time (its whole process group is killed then).
 */
export async function packageManager(tool: "npm" | "pnpm", args: readonly string[], options: PackageManagerRun): Promise<string> {
  const env = shellEnv(options.env);
  const result = await runBounded(onShellPath(tool, env), args, { cwd: options.cwd, env, timeoutMs: options.timeoutMs });
  const command = args[0] ?? "";
  const output = `${result.stdout}\n${result.stderr}`;
  if (result.timedOut) {
    const cause = networkFailure(tool, output) ?? `last output: ${lastLine(output) || "none"}`;
    throw new Error(`${tool} ${command} did not finish in ${options.timeoutMs / 1000} s and was killed with its process group; ${cause}`);
  }
  if (result.code !== 0) throw new Error(describeFailure(tool, command, output));
  return result.stdout;
}

/** Fails within REGISTRY_CHECK_MS, with one line naming the cause, when npm cannot reach its registry. */
export async function checkRegistry(cwd: string, env?: NodeJS.ProcessEnv): Promise<void> {
  await packageManager("npm", ["ping", "--fetch-retries=0", `--fetch-timeout=${REGISTRY_CHECK_MS - 5_000}`], {
    cwd,
    timeoutMs: REGISTRY_CHECK_MS,
    ...(env ? { env } : {}),
  });
}
