import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { machineEnv } from "@impactkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const DENO = join(import.meta.dirname, "..", "node_modules", ".bin", "deno");
const ACCOUNT = { accountSid: "IRDENO0001", authToken: "tok-deno-Secret-4" };
let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ accounts: [ACCOUNT], clock: { timeScale: 1_000 }, job: { queueMs: 0, runMs: 2_000, rows: 60 } });
  dir = mkdtempSync(join(tmpdir(), "impactkit-deno-"));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("@impactkit/jobs on Deno (its `node` condition, through Deno's Node.js compatibility)", () => {
  it.each([
    ["with --allow-env: a client given no baseUrl reads IMPACT_BASE_URL", ["--allow-env"]],
    // undici reads UNDICI_NO_WASM_SIMD and UNDICI_USE_MILO when it loads its parser, and JEST_WORKER_ID in fetch: those allowed, the libraries' own reads are refused.
    [
      "with the environment refused but for undici's own three variables: a client given no baseUrl goes to api.impact.com",
      ["--allow-env=UNDICI_NO_WASM_SIMD,UNDICI_USE_MILO,JEST_WORKER_ID"],
    ],
  ])("exports, waits, reads rows and bytes, and downloads to a file, with Deno's permissions narrowed to what that needs; %s", async (_name, env) => {
    const target = join(dir, `result${env[0]!.length}.csv`);
    // The API and the storage origin the signed URLs point at (another port): nothing else.
    const hosts = [sandbox.url, sandbox.storageUrl].map((url) => new URL(url).host).join(",");
    const args = [
      "run",
      "--node-modules-dir=manual",
      `--allow-net=${hosts}`,
      "--allow-read",
      `--allow-write=${dir}`,
      ...env,
      join(import.meta.dirname, "deno-program.ts"),
      sandbox.url,
      ACCOUNT.accountSid,
      ACCOUNT.authToken,
      target,
    ];
    const { stdout, stderr } = await new Promise<{ stdout: string; stderr: string }>((resolve, reject) =>
      execFile(
        DENO,
        args,
        {
          cwd: join(import.meta.dirname, ".."),
          encoding: "utf8",
          env: { ...machineEnv(), HOME: dir, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1", IMPACT_BASE_URL: sandbox.url },
        },
        (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve({ stdout: out, stderr: err })),
      ),
    );
    expect(stderr).toBe("");
    const outcome = JSON.parse(stdout.trim()) as {
      id: string;
      status: string;
      rows: number;
      bytes: number;
      saved: { path: string; bytes: number };
      fromEnvironment: string;
    };
    const truth = await sandbox.control.result(outcome.id);
    expect(outcome).toEqual({
      id: outcome.id,
      status: "COMPLETED",
      rows: 60,
      bytes: truth.size,
      saved: { path: target, bytes: truth.size },
      fromEnvironment: `${env[0] === "--allow-env" ? sandbox.url : "https://api.impact.com"}/Mediapartners/${ACCOUNT.accountSid}`,
    });
    expect(createHash("sha256").update(readFileSync(target)).digest("hex")).toBe(truth.sha256);
  });
});
