import { describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { createOutput } from "./output.js";
import { byteProgress, etaSeconds, every, REDRAW_MS } from "./progress.js";

describe("the download rate", () => {
  it("counts from the first bytes, not from the wait before them", () => {
    let stderr = "";
    const sink = new Writable({ write: (chunk, _encoding, done) => void ((stderr += String(chunk)), done()) });
    const output = createOutput({ json: false, verbose: false, stdout: sink, stderr: sink });
    let time = 0;
    const progress = byteProgress(output, "downloading", () => time);
    const MiB = 1_048_576;
    // Ten seconds of 202s before the first MiB, then a MiB a second.
    time = 10_000;
    progress.update({ bytes: MiB, total: 10 * MiB });
    time = 12_000;
    progress.update({ bytes: 3 * MiB, total: 10 * MiB });
    expect(stderr.split("\n").filter(Boolean)).toEqual(["downloading 1.0 MiB of 10.0 MiB (10%) at –", "downloading 3.0 MiB of 10.0 MiB (30%) at 1.0 MiB/s"]);
  });
});

describe("the download bar on a terminal", () => {
  it("shows an ETA it cannot estimate yet as –, never NaN", () => {
    let stderr = "";
    const sink = Object.assign(new Writable({ write: (chunk, _encoding, done) => void ((stderr += String(chunk)), done()) }), { isTTY: true, columns: 200 });
    const output = createOutput({ json: false, verbose: false, stdout: sink, stderr: sink });
    let time = 0;
    const progress = byteProgress(output, "downloading", () => time);
    progress.update({ bytes: 0, total: 10_485_760 });
    time = 1_000;
    progress.update({ bytes: 0, total: 10_485_760 });
    progress.stop();
    expect(stderr).toContain("ETA –");
    expect(stderr).not.toContain("NaN");
  });
});

describe("the download bar's redraw gate", () => {
  it("opens at most once per REDRAW_MS, whatever the number of updates", () => {
    let time = 0;
    const due = every(REDRAW_MS, () => time);
    const opened: number[] = [];
    for (; time < 1_000; time += 1) if (due()) opened.push(time);
    expect(opened).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  });
});

describe("the wait bar's times", () => {
  it("estimates the rest from the pace of the percentage since the job was first seen running", () => {
    expect(etaSeconds(undefined, 10_000, 50)).toBeUndefined();
    expect(etaSeconds({ at: 0, percent: 20 }, 10_000, 20)).toBeUndefined();
    // 20 % → 60 % in 10 s: 4 % a second, 40 % left.
    expect(etaSeconds({ at: 0, percent: 20 }, 10_000, 60)).toBe(10);
    expect(etaSeconds({ at: 5_000, percent: 0 }, 15_000, 25)).toBe(30);
  });
});
