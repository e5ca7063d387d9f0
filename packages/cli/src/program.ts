import { Command, CommanderError, Option } from "commander";
import { demoCommand } from "./commands/demo.js";
import { exportCommands } from "./commands/export.js";
import { jobsCommands } from "./commands/jobs.js";
import { mcpCommand } from "./commands/mcp.js";
import { profilesCommands } from "./commands/profiles.js";
import { recordsCommand } from "./commands/records.js";
import { queueCommands } from "./commands/queue.js";
import { reportsCommands } from "./commands/reports.js";
import { addCompletion } from "./completion.js";
import type { CommandContext, GlobalOptions } from "./context.js";
import { errorJson, errorText } from "./error-view.js";
import { EXIT, exitCodeOf, UsageError } from "./exit-codes.js";
import { APIS } from "./flavors.js";
import { VERSION } from "./version.js";
import { Interruption } from "./interruption.js";
import { colorFor, createOutput } from "./output.js";
import { PartialFiles } from "./partial-files.js";

const EXIT_HELP = `
The account comes from the flags, else IMPACT_API, IMPACT_ACCOUNT_SID, IMPACT_AUTH_TOKEN and IMPACT_BASE_URL,
else a profile of the config file (impactkit profiles --help); --profile <name> beats the variables. The token
is never printed. Results go to stdout, progress and logs to stderr.

Exit codes:
  0    success
  1    an API, network or disk error
  2    usage error: bad flags or arguments, or missing credentials (nothing was sent)
  3    the API refused the credentials (401) or their scope (403)
  4    the job ended FAILED or CANCELLED (or ERROR, unless --through-error)
  5    timed out waiting for the job
  129  hung up (SIGHUP); no partial file is left
  130  interrupted (Ctrl-C); no partial file is left
  141  stdout or stderr was closed (| head); the work stops quietly, no partial file is left
  143  terminated (SIGTERM); no partial file is left

Examples:
  impactkit demo
  export IMPACT_ACCOUNT_SID=IR... IMPACT_AUTH_TOKEN=...
  impactkit export report mp_action_listing_fast --api partner-v15 -p START_DATE=2026-11-01 -p END_DATE=2026-11-24 -o actions.csv
  impactkit jobs list --api brand --json
`;

export interface RunIO {
  stdout: NodeJS.WriteStream | NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Stops the command; aborted with an `Interruption`, the command exits with its code and message. */
  signal: AbortSignal;
  /** Where downloads note their temporary files, for an exit that cannot wait (default: a new one). */
  partials?: PartialFiles;
}

/** Runs `impactkit` with `argv` (without the node and script paths); resolves with the exit code. */
export async function run(argv: readonly string[], io: RunIO): Promise<number> {
  const json = argv.includes("--json");
  const noColor = argv.includes("--no-color");
  const output = createOutput({
    json,
    verbose: argv.includes("--verbose") || argv.includes("-v"),
    quiet: argv.includes("--quiet") || argv.includes("-q"),
    debug: argv.includes("--debug"),
    color: { stdout: colorFor(io.stdout as NodeJS.WriteStream, io.env, noColor), stderr: colorFor(io.stderr as NodeJS.WriteStream, io.env, noColor) },
    stdout: io.stdout as NodeJS.WriteStream,
    stderr: io.stderr as NodeJS.WriteStream,
  });
  const context: CommandContext = { output, env: io.env, signal: io.signal, partials: io.partials ?? new PartialFiles(), requests: { sent: 0, effects: 0 } };
  const program = new Command("impactkit")
    .description(`Export, wait for, download and replay impact.com jobs (${APIS.join(", ")}).`)
    .version(VERSION, "-V, --version", "print the version of impactkit")
    .option("--profile <name>", "use a named account of the config file (or IMPACT_PROFILE)")
    .addOption(new Option("--api <api>", "the API flavor").choices(APIS))
    .option("--account-sid <sid>", "the Account SID (prefer IMPACT_ACCOUNT_SID)")
    .option("--auth-token <token>", "the Auth Token (prefer IMPACT_AUTH_TOKEN: flags show in the process list)")
    .option("--base-url <url>", "the API origin, e.g. a sandbox (default https://api.impact.com)")
    .option("--proxy <url>", "send every request through this proxy (default: HTTPS_PROXY, HTTP_PROXY and NO_PROXY)")
    .option("--no-proxy", "ignore HTTPS_PROXY and HTTP_PROXY: connect directly")
    .option("--connect-timeout <duration>", "give up a connection that is not open after this long (default 10s)")
    .option("--request-timeout <duration>", "give up a request unanswered after this long, and retry it (default 30s)")
    .option("--json", "print one JSON document per command")
    .option("-v, --verbose", "log each request (method and path, never credentials) to stderr")
    .option("--debug", "log each request with its query too (never credentials, headers or signed URLs)")
    .option("-q, --quiet", "print results and errors only: no progress, notices or logs")
    .option("--no-color", "no colour (also NO_COLOR; FORCE_COLOR forces it)")
    .addHelpText("after", EXIT_HELP)
    // Every command's help lists the flags it inherits (--api, --profile, --json…), not only its own.
    .configureHelp({ showGlobalOptions: true })
    .showHelpAfterError("(impactkit --help lists the commands and options)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void io.stdout.write(text),
      writeErr: (text) => void io.stderr.write(text),
      outputError: (text, write) => write(text),
    });
  const globals = () => program.opts<GlobalOptions>();
  jobsCommands(program, globals, context);
  exportCommands(program, globals, context);
  reportsCommands(program, globals, context);
  queueCommands(program, globals, context);
  mcpCommand(program, globals, context);
  recordsCommand(program, globals, context);
  profilesCommands(program, context);
  demoCommand(program, context);
  // `impactkit completion bash|zsh|fish|powershell` prints the script; the shell then asks `impactkit complete -- …` for each Tab.
  addCompletion(program, io.env, io.stdout);
  try {
    await program.parseAsync([...argv], { from: "user" });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 || error.code === "commander.helpDisplayed" || error.code === "commander.version" ? EXIT.ok : EXIT.usage;
    }
    const reason: unknown = io.signal.reason;
    if (io.signal.aborted && reason instanceof Interruption) {
      if (reason.message) output.error(reason.message);
      return reason.exitCode;
    }
    const found = exitCodeOf(error);
    // Exit 2 promises that nothing was scheduled or changed: an argument found wrong after that (a file that appeared meanwhile) is an error.
    const code = found === EXIT.usage && context.requests.effects > 0 ? EXIT.error : found;
    const message = code === EXIT.aborted ? "interrupted" : error instanceof Error ? error.message : String(error);
    // The library's argument errors name its options, also those found after an export (a file that appeared); the CLI's own already name flags and config fields.
    const shown = error instanceof UsageError ? message : errorText(message, found, error);
    output.error(shown, errorJson(shown, code, error));
    return code;
  }
}
