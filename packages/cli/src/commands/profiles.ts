import type { Command } from "commander";
import type { CommandContext, GlobalOptions } from "../context.js";
import { UsageError } from "../exit-codes.js";
import { configPath, type Profile, type ProfileConfig, readConfig, writeConfig } from "../profiles.js";

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const SID = /^[A-Za-z0-9_-]{1,64}$/;
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** A token is one word of printable ASCII: no spaces, quotes from a paste, or control characters. */
const TOKEN = /^[\x21-\x7e]{1,512}$/;

/** The config file, or an empty one at its path. */
const configOf = (env: NodeJS.ProcessEnv): ProfileConfig => readConfig(env) ?? { path: configPath(env), profiles: {} };

/** A profile of `config` by `name`, or a usage error listing those there are. */
function existing(config: ProfileConfig, name: string): Profile {
  const found = config.profiles[name];
  if (found) return found;
  const names = Object.keys(config.profiles);
  throw new UsageError(`no profile ${JSON.stringify(name)} in ${config.path}${names.length > 0 ? ` (profiles: ${names.join(", ")})` : ""}`);
}

/** Ctrl-C at the prompt (raw mode sends no SIGINT): an AbortError, exit 130 like an interruption. */
function ctrlC(): Error {
  const error = new Error("interrupted");
  error.name = "AbortError";
  return error;
}

/**
 * The token typed at a terminal without echo (raw mode: Enter ends it, Backspace erases, Ctrl-C interrupts),
 * or the first line of stdin when it is not a terminal.
 */
async function readToken(prompt: string, signal: AbortSignal): Promise<string> {
  const input = process.stdin;
  input.setEncoding("utf8");
  if (!input.isTTY) {
    let text = "";
    for await (const chunk of input as AsyncIterable<string>) {
      text += chunk;
      if (text.includes("\n")) break;
    }
    return (text.split("\n")[0] ?? "").replace(/\r$/, "");
  }
  // Echo off before the prompt shows: a key typed as soon as it appears is never echoed.
  input.setRawMode(true);
  process.stderr.write(prompt);
  input.resume();
  return new Promise<string>((resolve, reject) => {
    let text = "";
    const finish = (error?: Error) => {
      input.off("data", typed);
      signal.removeEventListener("abort", aborted);
      input.setRawMode(false);
      input.pause();
      process.stderr.write("\n");
      if (error) reject(error);
      else resolve(text);
    };
    const aborted = () => finish(ctrlC());
    const typed = (chunk: string) => {
      for (const char of chunk) {
        if (char === "\r" || char === "\n" || char === "\u0004") return finish();
        if (char === "\u0003") return finish(ctrlC());
        if (char === "\u007f" || char === "\b") text = text.slice(0, -1);
        else if (char >= " ") text += char;
      }
    };
    signal.addEventListener("abort", aborted, { once: true });
    input.on("data", typed);
  });
}

/** Where a profile's token comes from, without the token: the file, or a named variable and whether it is set. */
function tokenSource(profile: Profile, env: NodeJS.ProcessEnv): string {
  if (profile.authTokenEnv) return `env ${profile.authTokenEnv}${env[profile.authTokenEnv] ? "" : " (not set)"}`;
  return profile.authToken ? "config file" : "none";
}

/** `impactkit profiles list`: the named accounts of the config file, never a token. */
export function profilesCommands(program: Command, context: CommandContext): void {
  const profiles = program
    .command("profiles")
    .description("named accounts from the config file ($IMPACTKIT_CONFIG, or $XDG_CONFIG_HOME/impactkit/config.json)")
    .addHelpText(
      "after",
      `
A config file names accounts; pick one with --profile <name> or IMPACT_PROFILE (or its "default"):
  {
    "default": "acme",
    "profiles": {
      "acme":   { "api": "partner-v15", "accountSid": "IR...", "authTokenEnv": "ACME_IMPACT_TOKEN" },
      "agency": { "api": "agency-v3", "accountSid": "IR...", "authToken": "..." }
    }
  }
A file holding an authToken must be readable by you alone (chmod 600).

Examples:
  impactkit profiles list
  impactkit profiles add acme --api partner-v15 --account-sid IR... --default   # asks for the token, no echo
  impactkit profiles add ci --api brand --account-sid IR... --auth-token-env CI_IMPACT_TOKEN
  impactkit profiles use acme
  impactkit profiles remove acme
  impactkit --profile acme export report mp_action_listing_fast -p START_DATE=2026-11-01 -p END_DATE=2026-11-24 -o actions.csv`,
    );

  profiles
    .command("list")
    .description("list the profiles: name, API, account, where the token comes from (never the token)")
    .action(() => {
      const config = readConfig(context.env);
      const rows = Object.entries(config?.profiles ?? {}).map(([name, profile]) => ({
        name,
        default: config?.default === name,
        api: profile.api ?? null,
        accountSid: profile.accountSid ?? null,
        token: tokenSource(profile, context.env),
        baseUrl: profile.baseUrl ?? null,
      }));
      const lines = config
        ? context.output.table([
            ["PROFILE", "API", "ACCOUNT", "TOKEN", "BASE URL"],
            ...rows.map((row) => [`${row.name}${row.default ? " (default)" : ""}`, row.api ?? "", row.accountSid ?? "", row.token, row.baseUrl ?? ""]),
          ])
        : [`no config file at ${configPath(context.env)}`];
      context.output.result(lines, { path: config?.path ?? configPath(context.env), profiles: rows });
    });

  profiles
    .command("add")
    .argument("<name>", "the profile's name: letters, digits, '.', '_' and '-'")
    .description("add a profile: --api, --account-sid, --base-url; the token typed without echo, or one line on stdin, or --auth-token-env")
    .option("--auth-token-env <variable>", "store the name of the environment variable that holds the token, not the token")
    .option("--default", "make it the default profile")
    .addHelpText(
      "after",
      `
The profile takes the global --api, --account-sid and --base-url given with it. Without --auth-token-env the
token is asked for (not echoed) on a terminal, or read as the first line of stdin:
  impactkit profiles add acme --api partner-v15 --account-sid IR... --default
  pass show impact/acme | impactkit profiles add acme --api partner-v15 --account-sid IR...
The file is written readable by you alone (mode 600).`,
    )
    .action(async (name: string, options: { authTokenEnv?: string; default?: boolean }, command: Command) => {
      const globals = command.optsWithGlobals<GlobalOptions & { authTokenEnv?: string; default?: boolean }>();
      if (!NAME.test(name))
        throw new UsageError(
          `a profile's name takes letters, digits, ".", "_" and "-" (up to 64, not starting with "." "_" or "-"), got ${JSON.stringify(name)}`,
        );
      if (globals.authToken !== undefined)
        throw new UsageError(
          "profiles add takes no --auth-token (flags show in the process list): type the token when asked, pipe it on stdin, or give --auth-token-env",
        );
      if (globals.accountSid === undefined) throw new UsageError("profiles add needs --account-sid: the account the profile is for");
      if (!SID.test(globals.accountSid))
        throw new UsageError(`--account-sid takes an Account SID (letters and digits, e.g. IR...), got ${JSON.stringify(globals.accountSid)}`);
      if (globals.baseUrl !== undefined) {
        let url: URL | undefined;
        try {
          url = new URL(globals.baseUrl);
        } catch {}
        if (!url || (url.protocol !== "https:" && url.protocol !== "http:"))
          throw new UsageError(`--base-url takes an http(s) URL (https://api.impact.com), got ${JSON.stringify(globals.baseUrl)}`);
      }
      if (options.authTokenEnv !== undefined && !VARIABLE.test(options.authTokenEnv))
        throw new UsageError(`--auth-token-env takes an environment variable's name (ACME_IMPACT_TOKEN), got ${JSON.stringify(options.authTokenEnv)}`);
      const config = configOf(context.env);
      if (config.profiles[name])
        throw new UsageError(`profile ${JSON.stringify(name)} is already in ${config.path}: remove it first (impactkit profiles remove ${name})`);
      const profile: Profile = {
        ...(globals.api !== undefined ? { api: globals.api } : {}),
        accountSid: globals.accountSid,
      };
      if (options.authTokenEnv !== undefined) profile.authTokenEnv = options.authTokenEnv;
      else {
        const token = (await readToken(`Auth Token for profile ${name} (not shown): `, context.signal)).trim();
        if (token === "")
          throw new UsageError(
            process.stdin.isTTY ? "no Auth Token typed: nothing was written" : "no Auth Token on stdin (one line): pipe it in, or give --auth-token-env",
          );
        context.output.addSecret(token);
        if (!TOKEN.test(token)) throw new UsageError("the Auth Token has spaces or control characters: give it alone, on one line");
        profile.authToken = token;
      }
      if (globals.baseUrl !== undefined) profile.baseUrl = globals.baseUrl;
      const updated: ProfileConfig = { ...config, profiles: { ...config.profiles, [name]: profile } };
      if (options.default) updated.default = name;
      writeConfig(updated);
      const isDefault = updated.default === name;
      context.output.result([`added profile ${name} to ${config.path}${isDefault ? " (the default)" : ""}`], {
        path: config.path,
        profile: name,
        default: isDefault,
        token: tokenSource(profile, context.env),
      });
    });

  profiles
    .command("remove")
    .argument("<name>", "the profile to remove")
    .description("remove a profile from the config file (and as the default)")
    .action((name: string) => {
      const config = configOf(context.env);
      existing(config, name);
      const { [name]: _removed, ...rest } = config.profiles;
      const wasDefault = config.default === name;
      const { default: _default, ...kept } = config;
      writeConfig(wasDefault ? { ...kept, profiles: rest } : { ...config, profiles: rest });
      context.output.result([`removed profile ${name} from ${config.path}${wasDefault ? "; there is no default profile now" : ""}`], {
        path: config.path,
        profile: name,
        default: wasDefault ? null : (config.default ?? null),
      });
    });

  profiles
    .command("use")
    .argument("<name>", "the profile to make the default")
    .description("make a profile the default (used when neither --profile nor IMPACT_PROFILE names one)")
    .action((name: string) => {
      const config = configOf(context.env);
      existing(config, name);
      writeConfig({ ...config, default: name });
      context.output.result([`profile ${name} is the default in ${config.path}`], { path: config.path, default: name });
    });
}
