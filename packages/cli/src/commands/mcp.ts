import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import type { Jobs } from "@impactkit/jobs";
import { openJobs, type CommandContext, type GlobalOptions, FIRST_CHECK_OPTION, firstCheckPolicy } from "../context.js";
import { UsageError } from "../exit-codes.js";
import { optionalModule } from "../optional-module.js";
import { resolveAccount } from "../profiles.js";

type Globals = () => GlobalOptions;

/** `@impactkit/mcp` (and with it the MCP SDK): an optional peer dependency, installed for `impactkit mcp` only. */
const mcpModule = () => optionalModule("@impactkit/mcp", "mcp", () => import("@impactkit/mcp"), true);

/** The flags that name one account, which `--profiles` stands in for. */
const ACCOUNT_FLAGS = [
  ["profile", "--profile"],
  ["api", "--api"],
  ["accountSid", "--account-sid"],
  ["authToken", "--auth-token"],
  ["baseUrl", "--base-url"],
] as const;

/**
 * The accounts the server acts for: the one of the global flags, the environment or a profile, as every command's
 * (named after its profile when the profile gives its Account SID, else "default"); or with `--profiles a,b`,
 * each of those profiles, by its name. Each is a `Jobs` instance of its own flavor, its token masked in every line.
 */
function accountsOf(globals: GlobalOptions, context: CommandContext, profiles: string | undefined, firstDelayMs: number): Record<string, Jobs<{}>> {
  const policy = { firstDelayMs };
  if (profiles === undefined) {
    const account = resolveAccount(globals, context.env);
    return { [account.sidFromProfile ? account.profile! : "default"]: openJobs(globals, context, { policy }, account) };
  }
  const names = profiles.split(",").map((name) => name.trim());
  if (names.some((name) => name === "")) throw new UsageError(`--profiles takes profile names separated by commas, got ${JSON.stringify(profiles)}`);
  const twice = names.find((name, index) => names.indexOf(name) !== index);
  if (twice !== undefined) throw new UsageError(`--profiles names ${JSON.stringify(twice)} twice`);
  const given = ACCOUNT_FLAGS.filter(([key]) => globals[key] !== undefined).map(([, flag]) => flag);
  if (given.length > 0) throw new UsageError(`--profiles takes each account from its profile: drop ${given.join(", ")}`);
  return Object.fromEntries(names.map((name) => [name, openJobs({ ...globals, profile: name }, context, { policy })]));
}

/** `--directory`'s folder, absolute; a usage error naming the flag unless it is an existing folder. */
function directoryOf(given: string): string {
  const directory = resolve(given);
  let folder = false;
  try {
    folder = statSync(directory).isDirectory();
  } catch {
    throw new UsageError(`--directory ${given} does not exist: create it first (the server writes only inside it)`);
  }
  if (!folder) throw new UsageError(`--directory ${given} is not a folder`);
  return directory;
}

/** `--http`'s port, checked: a whole number from 0 (any free port) to 65535. */
function portOf(given: string): number {
  const port = Number(given);
  if (!/^\d+$/.test(given) || port > 65_535) throw new UsageError(`--http takes a port from 0 to 65535 (0: any free one), got ${JSON.stringify(given)}`);
  return port;
}

/** `IMPACTKIT_MCP_TOKEN`, checked as `serveHttp` checks a token (`bearerTokenProblem`); unset, one is drawn at random. */
function fixedToken(env: NodeJS.ProcessEnv, problemOf: (token: string) => string | undefined): string | undefined {
  const token = env["IMPACTKIT_MCP_TOKEN"];
  if (!token) return undefined;
  const problem = problemOf(token);
  if (problem) throw new UsageError(`IMPACTKIT_MCP_TOKEN ${problem} (unset, a random token is drawn)`);
  return token;
}

/** Resolves once `signal` is aborted (a signal, a closed pipe), or `also` says so. */
function stopped(signal: AbortSignal, also: (stop: () => void) => void = () => {}): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    signal.addEventListener("abort", () => resolve(), { once: true });
    also(resolve);
  });
}

/**
 * `impactkit mcp`: the Model Context Protocol server of `@impactkit/mcp` for the account(s) of the flags, the
 * environment or the profiles, on stdio (stdout then carries the protocol alone: every other line goes to
 * stderr) or, with `--http <port>`, over Streamable HTTP on 127.0.0.1 with a bearer token.
 */
export function mcpCommand(program: Command, globals: Globals, context: CommandContext): void {
  program
    .command("mcp")
    .description("serve impact.com exports to AI agents: a Model Context Protocol server on stdio, or over HTTP with --http (needs @impactkit/mcp)")
    .requiredOption("--directory <dir>", "the folder results are downloaded into (it must exist; nothing is written outside it)")
    .option("--profiles <names>", "serve these profiles of the config file, comma-separated, each an account the tools can name")
    .option(...FIRST_CHECK_OPTION)
    .option("--http <port>", "serve Streamable HTTP on 127.0.0.1:<port> (0: any free port) instead of stdio; prints the URL and a bearer token on stderr")
    .addHelpText(
      "after",
      "\nOn stdio, stdout carries the protocol alone; everything else goes to stderr (request logs with --verbose).\nOver HTTP, every request needs Authorization: Bearer <token>: a random token printed once on stderr, or IMPACTKIT_MCP_TOKEN.\n\nExamples:\n  claude mcp add -e IMPACT_API=partner-v15 -e IMPACT_ACCOUNT_SID=IR... -e IMPACT_AUTH_TOKEN=... impactkit -- impactkit mcp --directory ~/impact-exports\n  impactkit mcp --profiles acme,agency --directory ~/impact-exports\n  impactkit mcp --http 8765 --directory ~/impact-exports",
    )
    .action(async (options: { directory: string; profiles?: string; http?: string; firstCheck: string }) => {
      const directory = directoryOf(options.directory);
      const { firstDelayMs } = firstCheckPolicy(options.firstCheck);
      const port = options.http === undefined ? undefined : portOf(options.http);
      const accounts = accountsOf(globals(), context, options.profiles, firstDelayMs);
      const { bearerTokenProblem, createImpactMcpServer, serveHttp, stdioTransport } = await mcpModule();
      const token = port === undefined ? undefined : fixedToken(context.env, bearerTokenProblem);
      const serverOf = () => createImpactMcpServer({ accounts, directory });
      const names = Object.keys(accounts).join(", ");
      if (port === undefined) {
        const server = serverOf();
        await server.connect(stdioTransport(process.stdin, process.stdout));
        context.output.notice(`impactkit mcp: serving ${names} on stdio; downloads go to ${directory}`);
        // The client ends a stdio server by closing its stdin (then SIGTERM): https://modelcontextprotocol.io/specification/2025-06-18/basic/lifecycle#stdio
        await stopped(context.signal, (stop) => {
          process.stdin.once("end", stop);
          process.stdin.once("close", stop);
        });
        await server.close();
        process.stdin.destroy();
        return;
      }
      const serving = await serveHttp(serverOf, { port, ...(token !== undefined ? { token } : {}) });
      context.output.notice(`impactkit mcp: serving ${names} over Streamable HTTP; downloads go to ${directory}`);
      // Once, and also with --quiet: without the token no client can connect. The URL and the token are the server's own text.
      const shown = token === undefined ? serving.token : "$IMPACTKIT_MCP_TOKEN";
      context.output.stderr.write(`impactkit mcp: listening at ${serving.url}; every request needs the header  Authorization: Bearer ${shown}\n`);
      await stopped(context.signal);
      await serving.close();
    });
}
