import { readFileSync, statSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { UsageError } from "./exit-codes.js";

/** One named account in the config file: each field optional, the token either in the file or in a named environment variable. */
export interface Profile {
  api?: string;
  accountSid?: string;
  /** Only in a file no one else can read (mode 600). */
  authToken?: string;
  /** The environment variable that holds the token (`ACME_IMPACT_TOKEN`): the file then holds no secret. */
  authTokenEnv?: string;
  baseUrl?: string;
}

export interface ProfileConfig {
  path: string;
  /** The profile used when neither --profile nor IMPACT_PROFILE names one. */
  default?: string;
  profiles: Record<string, Profile>;
}

const PROFILE_KEYS = new Set<string>(["api", "accountSid", "authToken", "authTokenEnv", "baseUrl"]);

/**
 * Where the profiles are: `$IMPACTKIT_CONFIG`, else `$XDG_CONFIG_HOME/impactkit/config.json`, else
 * `~/.config/impactkit/config.json` (XDG Base Directory Specification, "XDG_CONFIG_HOME").
 */
export function configPath(env: NodeJS.ProcessEnv): string {
  if (env["IMPACTKIT_CONFIG"]) return env["IMPACTKIT_CONFIG"];
  const base = env["XDG_CONFIG_HOME"]?.startsWith("/") ? env["XDG_CONFIG_HOME"] : join(env["HOME"] || homedir(), ".config");
  return join(base, "impactkit", "config.json");
}

/**
 * The config file, checked: undefined when there is none; a usage error naming the file and the field for
 * anything else wrong — not JSON, an unknown field, or a token in a file that others can read (an
 * `authToken` needs `chmod 600`; `authTokenEnv` keeps the secret out of the file).
 */
export function readConfig(env: NodeJS.ProcessEnv): ProfileConfig | undefined {
  const path = configPath(env);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new UsageError(`cannot read the config file ${path}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`the config file ${path} is not JSON (${(error as Error).message})`);
  }
  const bad = (detail: string) => new UsageError(`the config file ${path}: ${detail}`);
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw bad(`expected {"profiles": {"<name>": {...}}}`);
  const { profiles = {}, default: fallback, ...rest } = data as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw bad(`unknown field ${JSON.stringify(extra[0])} (expected "profiles" and "default")`);
  if (typeof profiles !== "object" || profiles === null || Array.isArray(profiles)) throw bad(`"profiles" must be an object of named profiles`);
  if (fallback !== undefined && typeof fallback !== "string") throw bad(`"default" must be a profile's name`);
  const checked: Record<string, Profile> = {};
  let holdsToken = false;
  for (const [name, profile] of Object.entries(profiles as Record<string, unknown>)) {
    if (typeof profile !== "object" || profile === null || Array.isArray(profile)) throw bad(`profile ${JSON.stringify(name)} must be an object`);
    for (const [key, value] of Object.entries(profile)) {
      if (!PROFILE_KEYS.has(key))
        throw bad(`profile ${JSON.stringify(name)} has an unknown field ${JSON.stringify(key)} (expected ${[...PROFILE_KEYS].join(", ")})`);
      if (typeof value !== "string" || value === "") throw bad(`profile ${JSON.stringify(name)}: ${key} must be a non-empty string`);
    }
    holdsToken ||= "authToken" in profile;
    checked[name] = profile as Profile;
  }
  if (fallback !== undefined && !(fallback in checked)) throw bad(`"default" names ${JSON.stringify(fallback)}, which is not a profile`);
  if (holdsToken && process.platform !== "win32") {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0)
      throw bad(
        `it holds an authToken but others can read it (mode ${mode.toString(8)}): run chmod 600 ${path}, or use authTokenEnv to name an environment variable instead`,
      );
  }
  return { path, ...(fallback !== undefined ? { default: fallback } : {}), profiles: checked };
}

/** The flags a profile stands in for. */
export interface AccountFlags {
  profile?: string;
  api?: string;
  accountSid?: string;
  authToken?: string;
  baseUrl?: string;
}

/** Where the account of a command comes from, resolved; the token's source is named, never shown. */
export interface Account {
  api: string | undefined;
  accountSid: string | undefined;
  authToken: string | undefined;
  baseUrl: string | undefined;
  /** The profile used, if any. */
  profile: string | undefined;
}

/**
 * The account of a command. Flags beat the environment, the environment beats the config file (as gh, the
 * Stripe CLI and the AWS CLI do); `--profile` is a flag, so the profile it names beats IMPACT_* variables,
 * while one chosen by IMPACT_PROFILE or the file's `default` gives way to them.
 */
export function resolveAccount(flags: AccountFlags, env: NodeJS.ProcessEnv): Account {
  const config = readConfig(env);
  const chosen = flags.profile ?? env["IMPACT_PROFILE"] ?? config?.default;
  let profile: Profile = {};
  if (chosen !== undefined) {
    const found = config?.profiles[chosen];
    if (!found) {
      const names = Object.keys(config?.profiles ?? {});
      throw new UsageError(
        `no profile ${JSON.stringify(chosen)} in ${config?.path ?? configPath(env)}${names.length > 0 ? ` (profiles: ${names.join(", ")})` : ""}`,
      );
    }
    profile = found;
  }
  const profileToken = (): string | undefined => {
    if (!profile.authTokenEnv) return profile.authToken;
    const token = env[profile.authTokenEnv];
    if (!token) throw new UsageError(`profile ${JSON.stringify(chosen)} takes its token from ${profile.authTokenEnv}, which is not set`);
    return token;
  };
  const explicit = flags.profile !== undefined;
  const pick = (flag: string | undefined, fromEnv: string | undefined, fromProfile: () => string | undefined) =>
    flag || (explicit ? fromProfile() || fromEnv : fromEnv || fromProfile());
  return {
    api: pick(flags.api, env["IMPACT_API"], () => profile.api),
    accountSid: pick(flags.accountSid, env["IMPACT_ACCOUNT_SID"], () => profile.accountSid),
    authToken: pick(flags.authToken, env["IMPACT_AUTH_TOKEN"], profileToken),
    baseUrl: pick(flags.baseUrl, env["IMPACT_BASE_URL"], () => profile.baseUrl),
    profile: chosen,
  };
}
