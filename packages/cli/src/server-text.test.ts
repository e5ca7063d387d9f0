import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeApi, jobBody, sendJson, startFakeApi } from "@impactkit/jobs/testing";
import { impactkit, JOB_FIELDS, messages, type Run } from "./testing/support.js";

/**
 * Text a hostile server puts in a job or an error: an OSC that sets the window title, a CSI that clears
 * the screen, an 8-bit CSI, a carriage return that rewrites the line, BEL, backspace, DEL, a bidi
 * override and isolate, a DCS string, a NUL and a tab.
 */
const HOSTILE = "Export \u001b]0;pwned\u0007failed\u001b[2J\u009b31m: retry\r\nlater\u0007\u0008\u007f \u202eevil\u202c\u2066 \u001bP+q\u001b\\done\u0000\tnow";
/** What a terminal may show of it: the sequences go whole (no "pwned"), line breaks and tabs become spaces. */
const SHOWN = "Export failed: retry  later evil done now";
/** A character no server text may bring to a terminal: C0 but the line feed, DEL, C1, bidi controls. */
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const FAILED = "0b2c4b71-8a47-4d1e-9d0e-2f4a1c3b5d6e";
const BROKEN = "9e8d7c6b-5a49-4382-b1a0-f9e8d7c6b5a4";
const TOKEN = "tok-hostile-7Hq2";
const env = () => ({ IMPACT_ACCOUNT_SID: "IRHOSTILE01", IMPACT_AUTH_TOKEN: TOKEN, IMPACT_API: "partner-v15", IMPACT_BASE_URL: api.url });
let api: FakeApi;
const runs: Run[] = [];

async function cli(args: string[]): Promise<Run> {
  const run = await impactkit(args, env());
  runs.push(run);
  return run;
}

beforeAll(async () => {
  api = await startFakeApi((_request, response, path) => {
    if (path === "/Jobs")
      return sendJson(response, 200, {
        Jobs: [jobBody(`FAILED${HOSTILE}`, { Id: FAILED, ...JOB_FIELDS, Type: HOSTILE }), jobBody("RUNNING", { Id: `${BROKEN}\u001b[2J`, ...JOB_FIELDS })],
      });
    if (path === `/Jobs/${FAILED}`) return sendJson(response, 200, jobBody("FAILED", { Id: FAILED, ...JOB_FIELDS, StatusMessage: HOSTILE, Type: HOSTILE }));
    if (path === `/Jobs/${BROKEN}`) return sendJson(response, 400, { Status: "ERROR", Message: HOSTILE, Errors: [{ Field: HOSTILE, Message: HOSTILE }] });
    sendJson(response, 404, { Message: "Not Found" });
  });
});
afterAll(async () => {
  for (const run of runs) {
    // A tab on stdout separates a piped table's columns (the server's own tabs became spaces).
    expect(run.stdout.replaceAll("\t", " ")).not.toMatch(CONTROL);
    expect(run.stderr).not.toMatch(CONTROL);
    expect(run.stdout + run.stderr).not.toContain(TOKEN);
  }
  await api.close();
});

describe("server text reaches the terminal without control characters", () => {
  it("in a job shown for people", async () => {
    const run = await cli(["jobs", "get", FAILED]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`\nType       ${SHOWN}\nStatus     FAILED (${SHOWN})\n`);
  });

  it("in a table of jobs, whose columns stay apart: a tab from the server is no column", async () => {
    const run = await cli(["jobs", "list"]);
    expect(run.code).toBe(0);
    const rows = run.stdout
      .trimEnd()
      .split("\n")
      .map((line) => line.split("\t"));
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toHaveLength(6);
    expect(rows[1]!.slice(0, 4)).toEqual([FAILED, SHOWN, `FAILED${SHOWN}`, "40%"]);
    expect(rows[2]![0]).toBe(BROKEN);
    expect(rows[2]![2]).toBe("RUNNING");
  });

  it("in the message of a failed job", async () => {
    const run = await cli(["jobs", "wait", FAILED, "--first-check", "10ms"]);
    expect(run.code).toBe(4);
    expect(messages(run.stderr)).toBe(`impactkit: Job ${FAILED} is FAILED: ${SHOWN}\n`);
    // The progress line on stderr is cleaned too.
    expect(run.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
  });

  it("in an API error's message and field errors", async () => {
    const run = await cli(["jobs", "get", BROKEN]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`impactkit: GET /Jobs/${BROKEN} failed with HTTP 400: ${SHOWN} (${SHOWN}: ${SHOWN})\n`);
  });

  it("in JSON, escaped: the document still holds the server's exact text", async () => {
    const run = await cli(["jobs", "get", FAILED, "--json"]);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout).job).toMatchObject({ StatusMessage: HOSTILE, Type: HOSTILE });
    expect(run.stdout).toContain(String.raw`\u009b31m`);
    expect(run.stdout).toContain(String.raw`\u202eevil`);
    const failed = await cli(["jobs", "wait", FAILED, "--first-check", "10ms", "--json"]);
    expect(failed.code).toBe(4);
    expect(JSON.parse(failed.stderr)).toMatchObject({ error: `Job ${FAILED} is FAILED: ${HOSTILE}`, exitCode: 4, job: { Id: FAILED, Status: "FAILED" } });
  });

  it("with a secret split up by control characters: still masked", async () => {
    const split = `${TOKEN.slice(0, 6)}\u001b[0m${TOKEN.slice(6)}`;
    const echo = await startFakeApi((_request, response) => sendJson(response, 400, { Message: `bad token ${split}` }));
    try {
      for (const args of [
        ["jobs", "list"],
        ["jobs", "list", "--json"],
      ]) {
        const run = await impactkit(args, { ...env(), IMPACT_BASE_URL: echo.url });
        runs.push(run);
        expect(run.code).toBe(1);
        expect(run.stderr).toContain("bad token ***");
      }
    } finally {
      await echo.close();
    }
  });
});
