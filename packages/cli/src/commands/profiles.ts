import type { Command } from "commander";
import type { CommandContext } from "../context.js";
import { table } from "../job-view.js";
import { configPath, readConfig, type Profile } from "../profiles.js";

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
        ? table([
            ["PROFILE", "API", "ACCOUNT", "TOKEN", "BASE URL"],
            ...rows.map((row) => [`${row.name}${row.default ? " (default)" : ""}`, row.api ?? "", row.accountSid ?? "", row.token, row.baseUrl ?? ""]),
          ])
        : [`no config file at ${configPath(context.env)}`];
      context.output.result(lines, { path: config?.path ?? configPath(context.env), profiles: rows });
    });
}
