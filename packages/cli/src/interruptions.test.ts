import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import type { ServerResponse } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type FakeApi, jobBody, sendJson, startFakeApi } from "@impactkit/jobs/testing";
import { JOB_FIELDS, messages, start, until } from "./testing/support.js";

const JOB = "7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d";
const SIZE = 1_000_000;
let api: FakeApi;
let dir: string;
/** The storage responses in flight: each has sent its first bytes and waits for more. */
const transfers: ServerResponse[] = [];
const env = () => ({ IMPACT_ACCOUNT_SID: "IRSIGNALS01", IMPACT_AUTH_TOKEN: "tok-signals-42", IMPACT_API: "partner-v15", IMPACT_BASE_URL: api.url });

beforeAll(async () => {
  api = await startFakeApi((_request, response, path) => {
    if (path === "/Jobs")
      return sendJson(response, 200, {
        Jobs: Array.from({ length: 3_000 }, (_, index) => jobBody("RUNNING", { Id: `${JOB.slice(0, -6)}${String(index).padStart(6, "0")}`, ...JOB_FIELDS })),
      });
    if (path === `/Jobs/${JOB}/Download`) {
      response.writeHead(302, { location: "/storage/result.csv" });
      return response.end();
    }
    if (path === "/storage/result.csv") {
      response.writeHead(200, { "content-type": "text/csv", "content-length": SIZE });
      response.write("a".repeat(SIZE / 10));
      return void transfers.push(response);
    }
    sendJson(response, 404, { Message: "Not Found" });
  });
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "impactkit-signals-"));
});
afterEach(() => {
  for (const transfer of transfers.splice(0)) transfer.destroy();
  rmSync(dir, { recursive: true, force: true });
});
afterAll(() => api.close());

/** Starts `jobs download` to `dir` and resolves once its first bytes are in the temporary file's folder. */
async function downloading() {
  const started = start(["jobs", "download", JOB, "-o", join(dir, "result.csv")], env());
  await until(() => started.output().includes("downloading") && readdirSync(dir).some((name) => name.endsWith(".part")), "the download to start");
  return started;
}

/** The files in `dir`, each with its inode and change time: a file rewritten under the same name differs. */
function snapshot(): Map<string, { ino: number; ctimeMs: number }> {
  return new Map(
    readdirSync(dir).map((name) => {
      const { ino, ctimeMs } = statSync(join(dir, name));
      return [name, { ino, ctimeMs }];
    }),
  );
}

/** Sends `signals` so that the CLI handles them together: stopped, the process holds them until it continues. */
function together(child: { kill(signal: NodeJS.Signals): boolean }, signals: NodeJS.Signals[]): void {
  child.kill("SIGSTOP");
  for (const signal of signals) child.kill(signal);
  child.kill("SIGCONT");
}

describe("signals stop the work, remove the temporary file and exit 128 + the signal's number", () => {
  it.each([
    ["SIGTERM", 143, "impactkit: interrupted by SIGTERM\n"],
    ["SIGHUP", 129, "impactkit: interrupted by SIGHUP\n"],
    ["SIGINT", 130, "impactkit: interrupted\n"],
  ] as const)("%s: exit %i, no file", async (signal, code, stderr) => {
    const { child, done } = await downloading();
    child.kill(signal);
    const run = await done;
    expect(run.code).toBe(code);
    expect(messages(run.stderr)).toBe(stderr);
    // Progress went to stderr: stdout is for results alone.
    expect(run.stdout).toBe("");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a second signal during the cleanup says so and still waits for it", async () => {
    const { child, done } = await downloading();
    together(child, ["SIGINT", "SIGTERM"]);
    const run = await done;
    // The process takes the two signals in either order; the first decides the exit code.
    const first = run.code === 130 ? "interrupted" : "interrupted by SIGTERM";
    expect([130, 143]).toContain(run.code);
    expect(messages(run.stderr)).toBe(`impactkit: cleaning up… (once more to quit at once)\nimpactkit: ${first}\n`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a third signal exits at once, after removing the temporary file synchronously", async () => {
    const { child, done } = await downloading();
    together(child, ["SIGHUP", "SIGINT", "SIGTERM"]);
    const run = await done;
    expect([129, 130, 143]).toContain(run.code);
    expect(messages(run.stderr)).toBe("impactkit: cleaning up… (once more to quit at once)\n");
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a forced exit leaves no temporary file of its own, also where a killed run left one under the same name", async () => {
    const killed = await downloading();
    killed.child.kill("SIGKILL");
    await killed.done;
    const left = snapshot();
    // Its temporary file, and the file naming the process that wrote it (gone now, so the next run takes them over).
    expect([...left.keys()].map((name) => name.replace(/^\.impactkit-[0-9a-f]{16}/, "<temp>")).sort()).toEqual(["<temp>.part", "<temp>.part.owner"]);
    const { child, done } = await downloading();
    together(child, ["SIGHUP", "SIGINT", "SIGTERM"]);
    await done;
    for (const [name, seen] of snapshot()) expect(left.get(name), name).toEqual(seen);
  });
});

describe("a closed stdout stops the work quietly: exit 141, no stack trace, no file", () => {
  it("jobs download -o - | head -c 10", async () => {
    const { child, done } = start(["jobs", "download", JOB, "-o", "-"], env());
    await new Promise((resolve) => child.stdout!.once("data", resolve));
    child.stdout!.destroy();
    transfers[0]!.write("b".repeat(SIZE / 2));
    const run = await done;
    expect(run.code).toBe(141);
    expect(messages(run.stderr)).toBe("");
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("jobs list | head -c 10", async () => {
    const { child, done } = start(["jobs", "list"], env());
    child.stdout!.once("data", () => child.stdout!.destroy());
    const run = await done;
    expect(run.code).toBe(141);
    expect(run.stderr).toBe("");
  });
});
