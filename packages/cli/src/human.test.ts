import { describe, expect, it } from "vitest";
import { formatBytes, formatCount, formatDuration, formatSeconds, humanDurations } from "./human.js";

describe("numbers for people", () => {
  it("gives counts thousands separators", () => {
    expect([0, 999, 1000, 1_234_567].map(formatCount)).toEqual(["0", "999", "1,000", "1,234,567"]);
  });

  it("shows whole bytes below a KiB, a rate's fraction included, and one decimal above", () => {
    expect([0, 6, 461.79976916169124, 1023.6, 1024, 1536, 5 * 1024 ** 3].map(formatBytes)).toEqual([
      "0 B",
      "6 B",
      "462 B",
      "1024 B",
      "1.0 KiB",
      "1.5 KiB",
      "5.0 GiB",
    ]);
  });

  it("formats seconds as people read a wait, with a tenth under ten seconds", () => {
    expect([0, 0.04, 9.4, 9.96, 59, 60, 185, 3599, 3600, 4_320].map(formatSeconds)).toEqual([
      "0.0s",
      "0.0s",
      "9.4s",
      "10s",
      "59s",
      "1m00s",
      "3m05s",
      "59m59s",
      "1h00m",
      "1h12m",
    ]);
    expect(formatDuration(3_600_000)).toBe("1h00m");
  });

  it("rewrites a library message's milliseconds, and nothing else", () => {
    expect(humanDurations("Job 1 did not finish within 3600000 ms (last status RUNNING)")).toBe("Job 1 did not finish within 1h00m (last status RUNNING)");
    expect(humanDurations("no bytes for 30000 ms; 1500 msgs; id 12 ms3")).toBe("no bytes for 30s; 1500 msgs; id 12 ms3");
  });
});
