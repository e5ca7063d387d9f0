import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createJobs, InvalidArgumentError } from "@impactkit/jobs";
import type { Sandbox } from "@impactkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FLAVOR_NAMES, jobsOf, startReliabilitySandbox } from "./harness.ts";

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startReliabilitySandbox();
});
afterAll(async () => {
  expect(sandbox.control.requests()).toEqual([]);
  await sandbox.close();
});

const BAD_IDS: unknown[] = [
  "../x",
  "%2e%2e/",
  "%2e%2e%2fJobs",
  "",
  " ",
  "not-a-uuid",
  "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f/../x",
  "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f?Mode=Stream",
  42,
  null,
  undefined,
  10n,
];
const VALID = "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f";

async function rejectsClearly(run: () => Promise<unknown> | unknown, message: RegExp): Promise<void> {
  let error: unknown;
  try {
    await run();
  } catch (caught) {
    error = caught;
  }
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect((error as Error).message).toMatch(message);
}

describe.each(FLAVOR_NAMES)("%s: bad input is refused before any request", (flavor) => {
  const dir = mkdtempSync(join(tmpdir(), "impactkit-bad-input-"));
  const jobs = () => jobsOf(sandbox, flavor);

  it.each(BAD_IDS.map((id) => [String(id), id]))("JobId %s, for every operation taking one", async (_label, id) => {
    const bad = id as string;
    await rejectsClearly(() => jobs().get(bad), /JobId must be a UUID/);
    await rejectsClearly(() => jobs().wait(bad), /JobId must be a UUID/);
    await rejectsClearly(() => jobs().replay(bad), /JobId must be a UUID/);
    await rejectsClearly(() => jobs().download(bad, { to: join(dir, "x.csv") }), /JobId must be a UUID/);
    await rejectsClearly(() => jobs().notify(bad), /JobId must be a UUID/);
    await rejectsClearly(() => jobs().stream(bad), /JobId must be a UUID/);
  });

  it("dates that are invalid or in the wrong order", async () => {
    await rejectsClearly(() => jobs().list({ createdAfter: "2026-02-30" }), /createdAfter must be a Date or a YYYY-MM-DD date/);
    await rejectsClearly(() => jobs().list({ createdBefore: new Date("nope") }), /createdBefore is an invalid Date/);
    await rejectsClearly(
      () => jobs().list({ createdAfter: "2026-11-25", createdBefore: "2026-11-01" }),
      /createdAfter \(2026-11-25\) is later than createdBefore \(2026-11-01\)/,
    );
  });

  it("a report id that could leave its path", async () => {
    await rejectsClearly(() => jobs().exportReport("../Jobs", {} as never), /reportId must be a report Id or handle/);
  });

  it("an output path that is a directory, under a file, or an existing file without overwrite — nothing written", async () => {
    mkdirSync(join(dir, "folder"), { recursive: true });
    writeFileSync(join(dir, "existing.csv"), "precious");
    await rejectsClearly(() => jobs().download(VALID, { to: join(dir, "folder") }), /it is a directory/);
    // A missing folder is created (mkdir -p), but not where a file stands in the way.
    await rejectsClearly(() => jobs().download(VALID, { to: join(dir, "existing.csv", "out.csv") }), /existing\.csv is a file, not a folder/);
    await rejectsClearly(() => jobs().download(VALID, { to: join(dir, "existing.csv") }), /exists; pass overwrite: true/);
    expect(readFileSync(join(dir, "existing.csv"), "utf8")).toBe("precious");
    expect(readdirSync(dir).sort()).toEqual(["existing.csv", "folder"]);
  });
});

describe("an unknown flavor", () => {
  it("is refused by createJobs and by the CLI's --api", async () => {
    await rejectsClearly(() => createJobs({} as never), /createJobs needs a client made by createClient/);
    const { run } = await import("@impactkit/cli");
    const stderr: string[] = [];
    const sink = { write: (text: string) => stderr.push(text) } as unknown as NodeJS.WriteStream;
    const code = await run(["jobs", "list", "--api", "partner-v99"], { stdout: sink, stderr: sink, env: {}, signal: new AbortController().signal });
    expect(code).toBe(2);
    expect(stderr.join("")).toContain("argument 'partner-v99' is invalid");
  });
});
