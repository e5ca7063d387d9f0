import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DEFAULT_ACCOUNT, startSandbox, type Sandbox } from "@impactkit/sandbox";
import { machineEnv } from "@impactkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBounded } from "./bounded-process.js";
import { REPO } from "./packages.js";

/**
 * Prism (@stoplight/prism-cli) is how users mock an OpenAPI document and check traffic against it: `prism mock`
 * answers from each flavor's spec alone, its examples included, and `prism proxy --errors` stands between the
 * CLI and the sandbox, turning any request or answer the spec does not allow into an error.
 */
const PRISM = createRequire(import.meta.url).resolve("@stoplight/prism-cli/dist/index.js");
const CLI = join(REPO, "packages/cli/dist/bin.js");
const FLAVORS = JSON.parse(readFileSync(join(REPO, "specs/flavors.json"), "utf8")).flavors as Array<{ id: string; api: string }>;

/** The export each flavor's CLI flow schedules: ClickExport where it is there, else ReportExport (agency). */
function exportArgs(flavor: { id: string; api: string }): string[] {
  if (flavor.api === "brand") return ["export", "clicks", "--program-id", "1234", "--date", "2026-11-24"];
  if (flavor.api === "partner") return ["export", "report", "mp_action_listing_fast", "-p", "START_DATE=2026-11-01", "-p", "END_DATE=2026-11-24"];
  return ["export", "report", "mp_action_listing_fast", "-p", "START_DATE=2026-11-01", "-p", "END_DATE=2026-11-24"];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

interface Prism {
  url: string;
  log: () => string;
  stop: () => Promise<void>;
}

/** Starts `prism <args>` on a free port and resolves once it listens; its whole output is kept. */
async function startPrism(args: readonly string[]): Promise<Prism> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [PRISM, ...args, "--host", "127.0.0.1", "--port", String(port)], {
    env: machineEnv(),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const listening = new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString("utf8");
      if (output.includes("Prism is listening")) resolve();
    };
    child.stdout!.on("data", onData);
    child.stderr!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`prism exited (${code}) before it listened:\n${output}`)));
  });
  await listening;
  return {
    url: `http://127.0.0.1:${port}`,
    log: () => output,
    stop: () => new Promise((resolve) => (child.exitCode === null ? child.once("exit", () => resolve()).kill("SIGTERM") : resolve())),
  };
}

describe("Prism, the OpenAPI mock and validating proxy users reach for", () => {
  const dir = mkdtempSync(join(tmpdir(), "impactkit-prism-"));
  const env = (api: string) => ({
    ...machineEnv(),
    HOME: dir,
    XDG_CONFIG_HOME: dir,
    IMPACT_API: api,
    IMPACT_ACCOUNT_SID: "IRq8mWJybvoQ1020978kbj7am8zzM2dBL1",
    IMPACT_AUTH_TOKEN: "mock-token",
  });
  const cli = (api: string, baseUrl: string, args: readonly string[]) =>
    runBounded(process.execPath, [CLI, "--base-url", baseUrl, ...args], { cwd: dir, env: env(api), timeoutMs: 120_000 });
  let sandbox: Sandbox;
  const mocks = new Map<string, Prism>();
  const proxies = new Map<string, Prism>();

  beforeAll(async () => {
    sandbox = await startSandbox({
      clock: { timeScale: 600 },
      job: { queueMs: 0, runMs: 2_000, rows: 40 },
      accounts: [{ accountSid: "IRq8mWJybvoQ1020978kbj7am8zzM2dBL1", authToken: "mock-token" }],
    });
    await Promise.all(
      FLAVORS.map(async (flavor) => {
        const spec = join(REPO, "specs", `${flavor.id}.openapi.json`);
        mocks.set(flavor.id, await startPrism(["mock", spec]));
        proxies.set(flavor.id, await startPrism(["proxy", "--errors", spec, sandbox.url]));
      }),
    );
  }, 180_000);

  afterAll(async () => {
    await Promise.all([...mocks.values(), ...proxies.values()].map((prism) => prism.stop()));
    await sandbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(FLAVORS.map((flavor) => [flavor.id, flavor]))(
    "%s: prism mock serves the export → wait → download flow from the spec alone",
    async (id, flavor) => {
      const prism = mocks.get(id)!;
      const output = join(dir, `${id}-mock.csv`);
      const run = await cli(id, prism.url, [...exportArgs(flavor), "--first-check", "0s", "-o", output]);
      expect(run.code, run.stderr + prism.log()).toBe(0);
      expect(run.stderr).toMatch(/COMPLETED/);
      expect(readFileSync(output, "utf8").length).toBeGreaterThan(0);
      expect(prism.log()).not.toMatch(/NO_PATH_MATCHED|Violation/);
    },
    120_000,
  );

  it.each(FLAVORS.map((flavor) => [flavor.id, flavor]))(
    "%s: through prism proxy --errors in front of the sandbox, the CLI's export, wait, download, list and reports: no violation",
    async (id, flavor) => {
      const prism = proxies.get(id)!;
      const scheduled = await cli(id, prism.url, [...exportArgs(flavor), "--json"]);
      expect(scheduled.code, scheduled.stderr + prism.log()).toBe(0);
      const jobId = (JSON.parse(scheduled.stdout) as { Id: string }).Id;
      const waited = await cli(id, prism.url, ["jobs", "wait", jobId, "--first-check", "0s"]);
      expect(waited.code, waited.stderr + prism.log()).toBe(0);
      // Prism's proxy follows redirects itself (and would carry the credentials to storage): the bytes come with Mode=Stream.
      const output = join(dir, `${id}-proxy.csv`);
      const downloaded = await cli(id, prism.url, ["jobs", "download", jobId, "--stream", "-o", output]);
      expect(downloaded.code, downloaded.stderr + prism.log()).toBe(0);
      expect(createHash("sha256").update(readFileSync(output)).digest("hex")).toBe((await sandbox.control.result(jobId)).sha256);
      for (const args of [
        ["jobs", "list", "--created-after", "2026-01-01"],
        ["reports", "list"],
        ["jobs", "get", jobId],
      ]) {
        const run = await cli(id, prism.url, args);
        expect(run.code, `${args.join(" ")}: ${run.stderr}${prism.log()}`).toBe(0);
      }
      expect(prism.log()).not.toMatch(/Violation|VIOLATIONS|UNPROCESSABLE_ENTITY/);
      expect(sandbox.control.violations()).toEqual([]);
    },
    120_000,
  );

  it("is a real validator: a request the spec does not allow is refused", async () => {
    const prism = proxies.get("brand")!;
    const response = await fetch(`${prism.url}/Advertisers/${DEFAULT_ACCOUNT.accountSid}/Jobs?CreatedAfter=yesterday`, {
      headers: { Authorization: `Basic ${Buffer.from("a:b").toString("base64")}` },
    });
    expect(response.status).toBe(422);
    expect(await response.text()).toMatch(/createdafter must match format \\"date-time\\"/);
  });
});
