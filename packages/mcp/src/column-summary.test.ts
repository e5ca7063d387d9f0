import { describe, expect, it } from "vitest";
import { ColumnStats } from "./column-summary.js";

describe("ColumnStats", () => {
  it("types each column, counts empty cells, and gives the range of numbers and dates", () => {
    const stats = new ColumnStats();
    stats.add({ id: "007", amount: 12.5, day: new Date("2026-11-02T00:00:00Z"), paid: true, note: "" });
    stats.add({ id: "008", amount: null, day: new Date("2026-11-01T00:00:00Z"), paid: false, note: "" });
    stats.add({ id: "009", amount: -3, day: new Date("2026-11-30T00:00:00Z"), paid: null, note: "" });
    expect(stats.rows).toBe(3);
    expect(stats.columns()).toEqual([
      { name: "id", type: "string", nulls: 0, min: null, max: null },
      { name: "amount", type: "number", nulls: 1, min: -3, max: 12.5 },
      { name: "day", type: "date", nulls: 0, min: "2026-11-01T00:00:00.000Z", max: "2026-11-30T00:00:00.000Z" },
      { name: "paid", type: "boolean", nulls: 1, min: null, max: null },
      { name: "note", type: "empty", nulls: 3, min: null, max: null },
    ]);
  });

  it("calls a column of mixed values a string column, with no range", () => {
    const stats = new ColumnStats();
    stats.add({ code: 5 });
    stats.add({ code: "05" });
    expect(stats.columns()).toEqual([{ name: "code", type: "string", nulls: 0, min: null, max: null }]);
  });
});
