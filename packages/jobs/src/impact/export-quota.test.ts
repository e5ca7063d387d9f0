import { describe, expect, it } from "vitest";
import { DAILY_WINDOW_MS, memoryExportQuota } from "./export-quota.js";

const T0 = 1_000_000;
const HOUR = 3_600_000;

describe("memoryExportQuota: a rolling 24 hours", () => {
  it("counts up to the limit, then says when the oldest export leaves the window, and counts again from then", async () => {
    const store = memoryExportQuota();
    expect(await store.take("ReportExport", 2, T0)).toEqual({ ok: true });
    expect(await store.take("ReportExport", 2, T0 + HOUR)).toEqual({ ok: true });
    expect(await store.left("ReportExport", 2, T0 + HOUR)).toEqual({ left: 0, renewsAt: T0 + DAILY_WINDOW_MS });
    expect(await store.take("ReportExport", 2, T0 + 2 * HOUR)).toEqual({ ok: false, renewsAt: T0 + DAILY_WINDOW_MS });
    // A refused export is not counted: one slot frees when the first export is 24 hours old.
    expect(await store.take("ReportExport", 2, T0 + DAILY_WINDOW_MS - 1)).toEqual({ ok: false, renewsAt: T0 + DAILY_WINDOW_MS });
    expect(await store.left("ReportExport", 2, T0 + DAILY_WINDOW_MS)).toEqual({ left: 1 });
    expect(await store.take("ReportExport", 2, T0 + DAILY_WINDOW_MS)).toEqual({ ok: true });
    expect(await store.take("ReportExport", 2, T0 + DAILY_WINDOW_MS)).toEqual({ ok: false, renewsAt: T0 + HOUR + DAILY_WINDOW_MS });
  });

  it("counts each kind on its own, and a lower limit waits for as many exports to leave as it needs", async () => {
    const store = memoryExportQuota();
    for (let hour = 0; hour < 3; hour += 1) await store.take("ReportExport", 3, T0 + hour * HOUR);
    expect(await store.left("ClickExport", 1, T0 + 3 * HOUR)).toEqual({ left: 1 });
    expect(await store.take("ClickExport", 1, T0 + 3 * HOUR)).toEqual({ ok: true });
    // Three counted, a limit of 2: a slot frees once two of them have left.
    expect(await store.take("ReportExport", 2, T0 + 3 * HOUR)).toEqual({ ok: false, renewsAt: T0 + HOUR + DAILY_WINDOW_MS });
  });

  it("refuses a kind the server said is spent until then, whatever it counted, and takes the later of two blocks", async () => {
    const store = memoryExportQuota();
    await store.block("ClickExport", T0 + 5 * HOUR, T0);
    await store.block("ClickExport", T0 + 2 * HOUR, T0);
    expect(await store.take("ClickExport", 10, T0)).toEqual({ ok: false, renewsAt: T0 + 5 * HOUR });
    expect(await store.left("ClickExport", 10, T0)).toEqual({ left: 0, renewsAt: T0 + 5 * HOUR });
    expect(await store.take("ReportExport", 100, T0)).toEqual({ ok: true });
    expect(await store.take("ClickExport", 10, T0 + 5 * HOUR)).toEqual({ ok: true });
    expect(await store.left("ClickExport", 10, T0 + 5 * HOUR)).toEqual({ left: 9 });
  });
});
