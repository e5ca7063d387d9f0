import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { impactkit, type Run } from "./testing/support.js";

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
  for (const run of runs) for (const secret of [ACME.authToken, AGENCY.authToken]) expect(run.stdout + run.stderr).not.toContain(secret);
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
