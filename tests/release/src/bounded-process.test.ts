import { readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { runBounded } from "./bounded-process.js";

/** A process is gone when it no longer exists or is a zombie waiting to be reaped. */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Whether `pid` is gone within 10 s (SIGKILL is delivered asynchronously). */
async function gone(pid: number): Promise<boolean> {
  for (let tries = 0; tries < 1_000; tries += 1) {
    if (!alive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return false;
}

describe("runBounded", () => {
  it("returns the output and exit code of a command that finishes", async () => {
    const result = await runBounded("sh", ["-c", "echo out; echo err >&2; exit 3"], { cwd: tmpdir(), env: process.env, timeoutMs: 60_000 });
    expect(result).toEqual({ code: 3, signal: null, stdout: "out\n", stderr: "err\n", timedOut: false });
  });

  it("kills the whole process group on timeout, not only the direct child", async () => {
    const result = await runBounded("sh", ["-c", "sleep 600 & echo $!; wait"], { cwd: tmpdir(), env: process.env, timeoutMs: 3_000 });
    const grandchild = Number(result.stdout.trim());
    expect(result).toMatchObject({ timedOut: true, signal: "SIGKILL" });
    expect(grandchild).toBeGreaterThan(0);
    expect(await gone(grandchild)).toBe(true);
  });

  it("kills what a command left running in its group after it exits", async () => {
    const result = await runBounded("sh", ["-c", "sleep 600 >/dev/null & echo $!"], { cwd: tmpdir(), env: process.env, timeoutMs: 60_000 });
    expect(result).toMatchObject({ code: 0, timedOut: false });
    expect(await gone(Number(result.stdout.trim()))).toBe(true);
  });
});
