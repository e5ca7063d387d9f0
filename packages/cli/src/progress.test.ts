import { describe, expect, it } from "vitest";
import { every, REDRAW_MS } from "./progress.js";

describe("the download bar's redraw gate", () => {
  it("opens at most once per REDRAW_MS, whatever the number of updates", () => {
    let time = 0;
    const due = every(REDRAW_MS, () => time);
    const opened: number[] = [];
    for (; time < 1_000; time += 1) if (due()) opened.push(time);
    expect(opened).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  });
});
