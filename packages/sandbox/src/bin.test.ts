import { spawn } from "node:child_process";
import { once } from "node:events";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";

const BIN = join(import.meta.dirname, "..", "dist", "bin.js");

function run(args: string[]) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return { child, firstLine: async () => (await lines.next()).value as string };
}

describe("impactkit-sandbox", () => {
  it("starts on a free port, serves the API with a configured account, and stops cleanly on SIGTERM", async () => {
    const { child, firstLine } = run(["--port", "0", "--json", "--account", "IRCLI:cli-token", "--time-scale", "100"]);
    const { url, storageUrl } = JSON.parse(await firstLine()) as { url: string; storageUrl: string };
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(storageUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const response = await fetch(`${url}/Advertisers/IRCLI/Jobs`, {
      headers: { Authorization: `Basic ${Buffer.from("IRCLI:cli-token").toString("base64")}`, Accept: "application/json" },
    });
    expect(await response.json()).toMatchObject({ "@page": "1", "@numpages": "1", Jobs: [] });
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });

  it("starts its time where --start says", async () => {
    const { child, firstLine } = run(["--port", "0", "--json", "--account", "IRCLI:cli-token", "--start", "2030-06-30T23:59:00Z"]);
    const { url } = JSON.parse(await firstLine()) as { url: string };
    const headers = { Authorization: `Basic ${Buffer.from("IRCLI:cli-token").toString("base64")}`, Accept: "application/json" };
    const queued = (await (await fetch(`${url}/Advertisers/IRCLI/ReportExport/4222`, { headers })).json()) as { QueuedUri: string };
    const job = (await (await fetch(`${url}${queued.QueuedUri}`, { headers })).json()) as { CreatedDate: string };
    expect(job.CreatedDate).toMatch(/^2030-06-30T23:59:\d\d\+00:00$/);
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    expect(code).toBe(0);
  });

  it("rejects a --start without an offset, naming the flag", async () => {
    const { child } = run(["--start", "2030-06-30 12:00"]);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(stderr).toContain('--start takes an ISO 8601 date and time with its offset (such as 2026-11-25T12:00:00Z) or now, got "2030-06-30 12:00"');
  });

  it("rejects a bad option with its usage and exit code 2", async () => {
    const { child } = run(["--time-scale", "fast"]);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(stderr).toContain('--time-scale takes a number, got "fast"');
    expect(stderr).toContain("Usage: impactkit-sandbox");
  });
});
