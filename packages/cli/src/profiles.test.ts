import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { machineEnv } from "@impactkit/testing";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { requireTool, Terminal } from "./testing/shells.js";
import { BIN, impactkit, type Run } from "./testing/support.js";

const ACME = { accountSid: "IRPROFILEACME", authToken: "tok-acme-Secret-1" };
const AGENCY = { accountSid: "IRPROFILEAGCY", authToken: "tok-agency-Secret-2" };
let sandbox: Sandbox;
let home: string;
const runs: Run[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ accounts: [ACME, AGENCY], clock: { timeScale: 1_000 }, job: { queueMs: 0, runMs: 1_000, rows: 3 } });
});
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "impactkit-profiles-"));
});
afterAll(async () => {
  for (const run of runs) for (const secret of [ACME.authToken, AGENCY.authToken, "tok-flag-Secret-3"]) expect(run.stdout + run.stderr).not.toContain(secret);
  rmSync(home, { recursive: true, force: true });
  await sandbox.close();
});

/** Writes the XDG config file under `home` with `mode`; returns its path. */
function config(data: unknown, mode = 0o600): string {
  const folder = join(home, "config", "impactkit");
  const path = join(folder, "config.json");
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  writeFileSync(path, JSON.stringify(data));
  chmodSync(path, mode);
  return path;
}

const profiles = () => ({
  default: "acme",
  profiles: {
    acme: { api: "partner-v15", accountSid: ACME.accountSid, authTokenEnv: "ACME_IMPACT_TOKEN", baseUrl: sandbox.url },
    agency: { api: "brand", accountSid: AGENCY.accountSid, authToken: AGENCY.authToken, baseUrl: sandbox.url },
  },
});

async function cli(args: string[], env: Record<string, string> = {}): Promise<Run> {
  const run = await impactkit(args, { HOME: home, XDG_CONFIG_HOME: join(home, "config"), ...env });
  runs.push(run);
  return run;
}

/** Runs the binary with `input` piped to its stdin (not a terminal). */
async function piped(args: string[], input: string, env: Record<string, string> = {}): Promise<Run> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: { ...machineEnv(), HOME: home, XDG_CONFIG_HOME: join(home, "config"), ...env },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(input);
  const run = await new Promise<Run>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  runs.push(run);
  return run;
}

const GIVE_BOTH =
  "give both from one place (--account-sid and --auth-token, IMPACT_ACCOUNT_SID and IMPACT_AUTH_TOKEN, or a profile: --profile <name>, see impactkit profiles list)";

/** The account a `jobs list` reached: the sandbox answers each account with its own jobs only, so the SID shows in the request log. */
const accountOf = (run: Run) => /\/(?:Mediapartners|Advertisers)\/(IR\w+)\/Jobs/.exec(run.stderr)?.[1];

describe("profiles from the XDG config file", () => {
  it("the default profile, its token from the variable it names; --profile picks another, its token in the file", async () => {
    config(profiles());
    const byDefault = await cli(["jobs", "list", "--json", "--verbose"], { ACME_IMPACT_TOKEN: ACME.authToken });
    expect(byDefault.code).toBe(0);
    expect(accountOf(byDefault)).toBe(ACME.accountSid);
    const chosen = await cli(["--profile", "agency", "jobs", "list", "--json", "--verbose"]);
    expect(chosen.code).toBe(0);
    expect(accountOf(chosen)).toBe(AGENCY.accountSid);
    const byEnv = await cli(["jobs", "list", "--json", "--verbose"], { IMPACT_PROFILE: "agency" });
    expect(accountOf(byEnv)).toBe(AGENCY.accountSid);
  });

  it("flags beat the environment and the environment beats a profile; an explicit --profile beats the environment", async () => {
    config(profiles());
    const env = { ACME_IMPACT_TOKEN: ACME.authToken, IMPACT_ACCOUNT_SID: AGENCY.accountSid, IMPACT_AUTH_TOKEN: AGENCY.authToken, IMPACT_API: "brand" };
    expect(accountOf(await cli(["jobs", "list", "--json", "--verbose"], env))).toBe(AGENCY.accountSid);
    expect(accountOf(await cli(["--profile", "acme", "jobs", "list", "--json", "--verbose"], env))).toBe(ACME.accountSid);
    expect(
      accountOf(
        await cli(["--profile", "agency", "--api", "brand", "--account-sid", AGENCY.accountSid, "jobs", "list", "--json", "--verbose"], {
          ACME_IMPACT_TOKEN: ACME.authToken,
        }),
      ),
    ).toBe(AGENCY.accountSid);
  });

  it("profiles list names each profile and where its token comes from, never the token", async () => {
    const path = config(profiles());
    const people = await cli(["profiles", "list"]);
    expect(people.code).toBe(0);
    expect(people.stdout).toMatch(/^PROFILE\s+API\s+ACCOUNT\s+TOKEN\s+BASE URL\n/);
    expect(people.stdout).toMatch(/acme \(default\)\s+partner-v15\s+IRPROFILEACME\s+env ACME_IMPACT_TOKEN \(not set\)/);
    expect(people.stdout).toMatch(/agency\s+brand\s+IRPROFILEAGCY\s+config file/);
    const json = JSON.parse((await cli(["profiles", "list", "--json"], { ACME_IMPACT_TOKEN: ACME.authToken })).stdout) as {
      path: string;
      profiles: Array<Record<string, unknown>>;
    };
    expect(json.path).toBe(path);
    expect(json.profiles.map((profile) => [profile["name"], profile["default"], profile["token"]])).toEqual([
      ["acme", true, "env ACME_IMPACT_TOKEN"],
      ["agency", false, "config file"],
    ]);
  });

  it("refuses a token in a file others can read, an unknown profile, a missing token variable and a malformed file: exit 2, nothing sent", async () => {
    const before = sandbox.control.requests().length;
    const path = config(profiles(), 0o644);
    const readable = await cli(["--profile", "agency", "jobs", "list"]);
    expect(readable.code).toBe(2);
    expect(readable.stderr).toBe(
      `impactkit: the config file ${path}: it holds an authToken but others can read it (mode 644): run chmod 600 ${path}, or use authTokenEnv to name an environment variable instead\n`,
    );
    config(profiles());
    const unknown = await cli(["--profile", "nope", "jobs", "list"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`impactkit: no profile "nope" in ${path} (profiles: acme, agency)\n`);
    const unset = await cli(["jobs", "list"]);
    expect(unset.code).toBe(2);
    expect(unset.stderr).toBe(`impactkit: profile "acme" takes its token from ACME_IMPACT_TOKEN, which is not set\n`);
    writeFileSync(path, "{ profiles: ");
    const malformed = await cli(["jobs", "list"]);
    expect(malformed.code).toBe(2);
    expect(malformed.stderr).toMatch(new RegExp(`^impactkit: the config file ${path} is not JSON`));
    config({ profiles: { acme: { accountSid: ACME.accountSid, token: "x" } } });
    const typo = await cli(["jobs", "list"], { IMPACT_PROFILE: "acme" });
    expect(typo.stderr).toBe(
      `impactkit: the config file ${path}: profile "acme" has an unknown field "token" (expected api, accountSid, authToken, authTokenEnv, baseUrl)\n`,
    );
    expect(sandbox.control.requests().length).toBe(before);
  });

  it("$IMPACTKIT_CONFIG points at another file; without any file, profiles list says where it looked", async () => {
    const elsewhere = join(home, "other.json");
    writeFileSync(elsewhere, JSON.stringify({ profiles: { ci: { api: "agency-v3", accountSid: "IRCI" } } }));
    const listed = await cli(["profiles", "list", "--json"], { IMPACTKIT_CONFIG: elsewhere });
    expect(JSON.parse(listed.stdout).profiles.map((profile: { name: string }) => profile.name)).toEqual(["ci"]);
    const none = await cli(["profiles", "list"]);
    expect(none.stdout).toBe(`no config file at ${join(home, "config", "impactkit", "config.json")}\n`);
  });
});

describe("an account's SID and token come from one place", () => {
  it("refuses a SID from one place with a token from another, naming both: exit 2, nothing sent", async () => {
    config(profiles());
    const before = sandbox.control.requests("api").length;
    const envSid = await cli(["jobs", "list"], { ACME_IMPACT_TOKEN: ACME.authToken, IMPACT_ACCOUNT_SID: AGENCY.accountSid });
    expect(envSid.code).toBe(2);
    expect(envSid.stderr).toBe(`impactkit: the Account SID comes from IMPACT_ACCOUNT_SID but the Auth Token from profile "acme": ${GIVE_BOTH}\n`);
    const flagToken = await cli(["jobs", "list", "--auth-token", AGENCY.authToken], { IMPACT_ACCOUNT_SID: AGENCY.accountSid });
    expect(flagToken.code).toBe(2);
    expect(flagToken.stderr).toBe(`impactkit: the Account SID comes from IMPACT_ACCOUNT_SID but the Auth Token from --auth-token: ${GIVE_BOTH}\n`);
    const flagSid = await cli(["--account-sid", AGENCY.accountSid, "jobs", "list"], { ACME_IMPACT_TOKEN: ACME.authToken });
    expect(flagSid.code).toBe(2);
    expect(flagSid.stderr).toBe(`impactkit: the Account SID comes from --account-sid but the Auth Token from profile "acme": ${GIVE_BOTH}\n`);
    expect(sandbox.control.requests("api").length).toBe(before);
  });

  it("an empty variable counts as unset, and the message says so", async () => {
    config(profiles());
    const before = sandbox.control.requests("api").length;
    const mixed = await cli(["jobs", "list"], { ACME_IMPACT_TOKEN: ACME.authToken, IMPACT_ACCOUNT_SID: AGENCY.accountSid, IMPACT_AUTH_TOKEN: "" });
    expect(mixed.code).toBe(2);
    expect(mixed.stderr).toBe(
      `impactkit: the Account SID comes from IMPACT_ACCOUNT_SID but the Auth Token from profile "acme" (IMPACT_AUTH_TOKEN is empty, which counts as unset): ${GIVE_BOTH}\n`,
    );
    const unset = await cli(["jobs", "list"], { IMPACT_AUTH_TOKEN: "" });
    expect(unset.code).toBe(2);
    expect(unset.stderr).toBe(
      `impactkit: profile "acme" takes its token from ACME_IMPACT_TOKEN, which is not set (IMPACT_AUTH_TOKEN is empty, which counts as unset)\n`,
    );
    expect(sandbox.control.requests("api").length).toBe(before);
    // An empty IMPACT_ACCOUNT_SID gives way to the profile, whose SID and token go together.
    const whole = await cli(["jobs", "list", "--json", "--verbose"], { ACME_IMPACT_TOKEN: ACME.authToken, IMPACT_ACCOUNT_SID: "", IMPACT_PROFILE: "" });
    expect(whole.code).toBe(0);
    expect(accountOf(whole)).toBe(ACME.accountSid);
  });

  it("an explicit --profile wins as a whole: its SID never goes with IMPACT_AUTH_TOKEN", async () => {
    const data = profiles();
    config({ ...data, profiles: { ...data.profiles, sidonly: { api: "brand", accountSid: AGENCY.accountSid, baseUrl: sandbox.url } } });
    const env = { IMPACT_ACCOUNT_SID: ACME.accountSid, IMPACT_AUTH_TOKEN: ACME.authToken, ACME_IMPACT_TOKEN: ACME.authToken };
    const before = sandbox.control.requests("api").length;
    const half = await cli(["--profile", "sidonly", "jobs", "list"], env);
    expect(half.code).toBe(2);
    expect(half.stderr).toBe(`impactkit: the Account SID comes from profile "sidonly" but the Auth Token from IMPACT_AUTH_TOKEN: ${GIVE_BOTH}\n`);
    expect(sandbox.control.requests("api").length).toBe(before);
    const whole = await cli(["--profile", "agency", "jobs", "list", "--json", "--verbose"], env);
    expect(whole.code).toBe(0);
    expect(accountOf(whole)).toBe(AGENCY.accountSid);
    // Without --profile the variables' pair beats the default profile, and the API may still come from the profile.
    const variables = await cli(["jobs", "list", "--json", "--verbose"], { IMPACT_ACCOUNT_SID: AGENCY.accountSid, IMPACT_AUTH_TOKEN: AGENCY.authToken });
    expect(variables.code).toBe(0);
    expect(accountOf(variables)).toBe(AGENCY.accountSid);
  });
});

describe("profiles add, remove, use", () => {
  const path = () => join(home, "config", "impactkit", "config.json");
  const file = () => JSON.parse(readFileSync(path(), "utf8")) as { default?: string; profiles: Record<string, Record<string, string>> };

  it("add reads the token from stdin, writes a file only you can read, and never prints the token", async () => {
    const added = await piped(
      ["profiles", "add", "north", "--api", "brand", "--account-sid", AGENCY.accountSid, "--base-url", sandbox.url],
      `${AGENCY.authToken}\n`,
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toBe(`added profile north to ${path()}\n`);
    expect(added.stderr).toBe("");
    expect(statSync(path()).mode & 0o777).toBe(0o600);
    expect(file()).toEqual({ profiles: { north: { api: "brand", accountSid: AGENCY.accountSid, authToken: AGENCY.authToken, baseUrl: sandbox.url } } });
    const used = await cli(["--profile", "north", "jobs", "list", "--json", "--verbose"]);
    expect(used.code).toBe(0);
    expect(accountOf(used)).toBe(AGENCY.accountSid);
    const again = await piped(["profiles", "add", "north", "--account-sid", AGENCY.accountSid], `${AGENCY.authToken}\n`);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`impactkit: profile "north" is already in ${path()}: remove it first (impactkit profiles remove north)\n`);
    const empty = await piped(["profiles", "add", "south", "--account-sid", AGENCY.accountSid], "");
    expect(empty.code).toBe(2);
    expect(empty.stderr).toBe("impactkit: no Auth Token on stdin (one line): pipe it in, or give --auth-token-env\n");
  });

  it("add asks for the token on a terminal without echoing it: Backspace erases, Enter ends, Ctrl-C writes nothing (exit 130)", async () => {
    const env = { ...machineEnv(), HOME: home, XDG_CONFIG_HOME: join(home, "config"), TERM: "xterm" };
    requireTool("script", env, "apt-get install bsdutils");
    const args = [BIN, "profiles", "add", "east", "--api", "brand", "--account-sid", AGENCY.accountSid, "--base-url", sandbox.url];
    const prompt = "Auth Token for profile east (not shown): ";
    const interrupted = new Terminal(process.execPath, args, env);
    try {
      await interrupted.waitFor(0, (shown) => shown.includes(prompt), "the prompt");
      interrupted.type("tok-half\u0003");
      expect(await interrupted.exited()).toBe(130);
      expect(interrupted.output).not.toContain("tok-half");
      expect(existsSync(path())).toBe(false);
    } finally {
      interrupted.close();
    }
    const typed = new Terminal(process.execPath, args, env);
    try {
      await typed.waitFor(0, (shown) => shown.includes(prompt), "the prompt");
      typed.type(`${AGENCY.authToken}x\u007f\r`);
      expect(await typed.exited()).toBe(0);
      expect(typed.output).toContain(`added profile east to ${path()}`);
      expect(typed.output).not.toContain("tok-agency");
      runs.push({ code: 0, stdout: typed.output, stderr: "" });
    } finally {
      typed.close();
    }
    expect(statSync(path()).mode & 0o777).toBe(0o600);
    expect(file().profiles["east"]).toMatchObject({ accountSid: AGENCY.accountSid, authToken: AGENCY.authToken });
    expect(accountOf(await cli(["--profile", "east", "jobs", "list", "--json", "--verbose"]))).toBe(AGENCY.accountSid);
  });

  it("add --auth-token-env stores the variable's name, not a token; --default makes it the default", async () => {
    const added = await piped(
      [
        "profiles",
        "add",
        "acme",
        "--api",
        "partner-v15",
        "--account-sid",
        ACME.accountSid,
        "--base-url",
        sandbox.url,
        "--auth-token-env",
        "ACME_IMPACT_TOKEN",
        "--default",
      ],
      "",
    );
    expect(added.code).toBe(0);
    expect(added.stdout).toBe(`added profile acme to ${path()} (the default)\n`);
    expect(statSync(path()).mode & 0o777).toBe(0o600);
    expect(file()).toEqual({
      default: "acme",
      profiles: { acme: { api: "partner-v15", accountSid: ACME.accountSid, authTokenEnv: "ACME_IMPACT_TOKEN", baseUrl: sandbox.url } },
    });
    const used = await cli(["jobs", "list", "--json", "--verbose"], { ACME_IMPACT_TOKEN: ACME.authToken });
    expect(used.code).toBe(0);
    expect(accountOf(used)).toBe(ACME.accountSid);
  });

  it("refuses bad names and values, naming the flag, and writes nothing", async () => {
    const refused = async (args: string[], message: string) => {
      const run = await piped(["profiles", "add", ...args], `${ACME.authToken}\n`);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(`impactkit: ${message}\n`);
    };
    await refused(
      ["bad name", "--account-sid", "IRX"],
      `a profile's name takes letters, digits, ".", "_" and "-" (up to 64, not starting with "." "_" or "-"), got "bad name"`,
    );
    await refused(["x"], "profiles add needs --account-sid: the account the profile is for");
    await refused(["x", "--account-sid", "IR X"], `--account-sid takes an Account SID (letters and digits, e.g. IR...), got "IR X"`);
    await refused(
      ["x", "--account-sid", "IRX", "--base-url", "ftp://example.com"],
      `--base-url takes an http(s) URL (https://api.impact.com), got "ftp://example.com"`,
    );
    await refused(
      ["x", "--account-sid", "IRX", "--auth-token-env", "1BAD"],
      `--auth-token-env takes an environment variable's name (ACME_IMPACT_TOKEN), got "1BAD"`,
    );
    await refused(
      ["x", "--account-sid", "IRX", "--auth-token", "tok-flag-Secret-3"],
      "profiles add takes no --auth-token (flags show in the process list): type the token when asked, pipe it on stdin, or give --auth-token-env",
    );
    const spaced = await piped(["profiles", "add", "x", "--account-sid", "IRX"], "two words\n");
    expect(spaced.code).toBe(2);
    expect(spaced.stderr).toBe("impactkit: the Auth Token has spaces or control characters: give it alone, on one line\n");
    expect(existsSync(path())).toBe(false);
  });

  it("remove drops a profile (and the default); use makes one the default", async () => {
    config(profiles());
    const used = await cli(["profiles", "use", "agency"]);
    expect(used.code).toBe(0);
    expect(used.stdout).toBe(`profile agency is the default in ${path()}\n`);
    expect(file().default).toBe("agency");
    expect(statSync(path()).mode & 0o777).toBe(0o600);
    expect(accountOf(await cli(["jobs", "list", "--json", "--verbose"]))).toBe(AGENCY.accountSid);
    const removed = await cli(["profiles", "remove", "agency"]);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toBe(`removed profile agency from ${path()}; there is no default profile now\n`);
    expect(file()).toEqual({ profiles: { acme: profiles().profiles.acme } });
    const unknown = await cli(["profiles", "remove", "agency"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe(`impactkit: no profile "agency" in ${path()} (profiles: acme)\n`);
    const unknownUse = await cli(["profiles", "use", "nope"]);
    expect(unknownUse.code).toBe(2);
    expect(unknownUse.stderr).toBe(`impactkit: no profile "nope" in ${path()} (profiles: acme)\n`);
  });
});
