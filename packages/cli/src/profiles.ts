import { chmodSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { basename, dirname, join } from "node:path";
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

/**
 * Writes `config` to its file, readable by you alone (mode 600, its folder 700 when new): to a temporary file
 * beside it, then renamed over it, so a reader never sees half a file. A symbolic link is followed.
 */
export function writeConfig(config: ProfileConfig): void {
  let target = config.path;
  try {
    target = realpathSync(config.path);
  } catch {}
  mkdirSync(dirname(target), { recursive: true, mode: 0o700 });
  const data = { ...(config.default !== undefined ? { default: config.default } : {}), profiles: config.profiles };
  const temporary = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temporary, `${JSON.stringify(data, null, 2)}\n`, { mode: 0o600, flag: "w" });
    chmodSync(temporary, 0o600);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new Error(`cannot write the config file ${config.path}: ${(error as Error).message}`);
  }
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
  /** Whether the Account SID (and so the token) came from that profile, not from the flags or the environment. */
  sidFromProfile: boolean;
}

/** One place an Account SID and an Auth Token can come from, as a pair. */
interface CredentialSource {
  /** How a message names the SID's and the token's place: `--account-sid`, `IMPACT_AUTH_TOKEN`, `profile "acme"`. */
  sidName: string;
  tokenName: string;
  accountSid: string | undefined;
  /** Whether the place holds a token (a profile's `authTokenEnv` counts, set or not); `token()` reads it. */
  hasToken: boolean;
  token: () => string | undefined;
}

const GIVE_BOTH =
  "give both from one place (--account-sid and --auth-token, IMPACT_ACCOUNT_SID and IMPACT_AUTH_TOKEN, or a profile: --profile <name>, see impactkit profiles list)";

/**
 * The account of a command. The Account SID and the Auth Token come as a pair from one place: the flags, else
 * IMPACT_ACCOUNT_SID and IMPACT_AUTH_TOKEN, else a profile (as gh, the Stripe CLI and the AWS CLI rank them);
 * `--profile` is a flag, so the profile it names beats the IMPACT_* variables as a whole, while one chosen by
 * IMPACT_PROFILE or the file's `default` gives way to them. A SID from one place with a token from another is
 * a usage error naming both — a SID that names the token's own account is no mix. An empty flag or variable
 * counts as unset. A SID alone is an account without a token (enough for `queue add`). The API and the base
 * URL are not secrets tied to the token: each comes from the first place that gives it.
 */
export function resolveAccount(flags: AccountFlags, env: NodeJS.ProcessEnv): Account {
  const config = readConfig(env);
  const chosen = flags.profile || env["IMPACT_PROFILE"] || config?.default;
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
  // Set but empty: counted as unset, and said so where it decides where the credentials come from.
  const empty = [
    ...(flags.accountSid === "" ? ["--account-sid"] : []),
    ...(flags.authToken === "" ? ["--auth-token"] : []),
    ...["IMPACT_ACCOUNT_SID", "IMPACT_AUTH_TOKEN"].filter((name) => env[name] === ""),
  ];
  const emptyNote = empty.length > 0 ? ` (${empty.join(" and ")} ${empty.length > 1 ? "are" : "is"} empty, which counts as unset)` : "";
  const named = `profile ${JSON.stringify(chosen)}`;
  const fromFlags: CredentialSource = {
    sidName: "--account-sid",
    tokenName: "--auth-token",
    accountSid: flags.accountSid || undefined,
    hasToken: Boolean(flags.authToken),
    token: () => flags.authToken || undefined,
  };
  const fromEnv: CredentialSource = {
    sidName: "IMPACT_ACCOUNT_SID",
    tokenName: "IMPACT_AUTH_TOKEN",
    accountSid: env["IMPACT_ACCOUNT_SID"] || undefined,
    hasToken: Boolean(env["IMPACT_AUTH_TOKEN"]),
    token: () => env["IMPACT_AUTH_TOKEN"] || undefined,
  };
  const fromProfile: CredentialSource = {
    sidName: named,
    tokenName: named,
    accountSid: profile.accountSid,
    hasToken: Boolean(profile.authToken || profile.authTokenEnv),
    token: () => {
      if (!profile.authTokenEnv) return profile.authToken;
      const token = env[profile.authTokenEnv];
      if (!token)
        throw new UsageError(
          `${named} takes its token from ${profile.authTokenEnv}, which is ${env[profile.authTokenEnv] === "" ? "empty" : "not set"}${emptyNote}`,
        );
      return token;
    },
  };
  const explicit = Boolean(flags.profile);
  const sources = explicit ? [fromFlags, fromProfile, fromEnv] : [fromFlags, fromEnv, fromProfile];
  const sidSource = sources.find((source) => source.accountSid !== undefined);
  const tokenSource = sources.find((source) => source.hasToken);
  if (sidSource && tokenSource && sidSource !== tokenSource && sidSource.accountSid !== tokenSource.accountSid) {
    throw new UsageError(`the Account SID comes from ${sidSource.sidName} but the Auth Token from ${tokenSource.tokenName}${emptyNote}: ${GIVE_BOTH}`);
  }
  const pick = (flag: string | undefined, fromEnv: string | undefined, fromProfile: string | undefined) =>
    flag || (explicit ? fromProfile || fromEnv : fromEnv || fromProfile) || undefined;
  return {
    api: pick(flags.api, env["IMPACT_API"], profile.api),
    accountSid: sidSource?.accountSid,
    authToken: tokenSource?.token(),
    baseUrl: pick(flags.baseUrl, env["IMPACT_BASE_URL"], profile.baseUrl),
    profile: chosen,
    sidFromProfile: sidSource === fromProfile,
  };
}
