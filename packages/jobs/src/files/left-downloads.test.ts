import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { downloadTempPath, ownTempPath } from "./download.js";
import { leftDownloads } from "./left-downloads.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "impactkit-left-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The id of a process of this machine that has exited. */
const goneProcess = () => spawnSync(process.execPath, ["-e", ""]).pid;

describe("leftDownloads", () => {
  it("lists the temporary files whose writer is gone, with their size and whether a checkpoint can continue them", async () => {
    const killed = downloadTempPath(join(dir, "a.csv"), "J1");
    writeFileSync(killed, "x".repeat(1000));
    writeFileSync(`${killed}.owner`, `${hostname()} ${goneProcess()}`);
    const resumable = downloadTempPath(join(dir, "b.csv"), "J2");
    writeFileSync(resumable, "y".repeat(10));
    writeFileSync(`${resumable}.json`, JSON.stringify({ bytes: 10, validator: '"v"', total: 20 }));
    const own = ownTempPath(downloadTempPath(join(dir, "c.csv"), "J3"), goneProcess(), "0123abcd");
    writeFileSync(own, "");
    const left = await leftDownloads(dir);
    expect(left.sort((a, b) => a.path.localeCompare(b.path))).toEqual(
      [
        { path: killed, bytes: 1000, resumable: false },
        { path: resumable, bytes: 10, resumable: true },
        { path: own, bytes: 0, resumable: false },
      ].sort((a, b) => a.path.localeCompare(b.path)),
    );
  });

  it("leaves out what a running process writes, another machine's files and files of other names", async () => {
    const running = downloadTempPath(join(dir, "a.csv"), "J1");
    writeFileSync(running, "x");
    writeFileSync(`${running}.owner`, `${hostname()} ${process.pid}`);
    const elsewhere = downloadTempPath(join(dir, "b.csv"), "J2");
    writeFileSync(elsewhere, "x");
    writeFileSync(`${elsewhere}.owner`, `another-host.example ${goneProcess()}`);
    writeFileSync(ownTempPath(downloadTempPath(join(dir, "c.csv"), "J3"), process.pid, "0123abcd"), "x");
    writeFileSync(join(dir, ".impactkit-notahash.part"), "x");
    writeFileSync(join(dir, "report.part"), "x");
    expect(await leftDownloads(dir)).toEqual([]);
    expect(await leftDownloads(join(dir, "missing"))).toEqual([]);
  });
});
