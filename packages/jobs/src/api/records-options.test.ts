import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { columnTypes } from "../result/coerce.js";
import { createJobs } from "./create-jobs.js";
import { DownloadError, InvalidArgumentError } from "../base/errors.js";
import { rejection } from "../testing.js";
import { SLOW_MACHINE_MS, clientsFor } from "../testing/clients.fixture.js";

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: { timeScale: 1_000 }, job: { queueMs: 0, runMs: 2_000, rows: 30 } });
  dir = mkdtempSync(join(tmpdir(), "impactkit-records-"));
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const jobs = () => createJobs(clientsFor(sandbox).partnerV16, { timing: sandbox.control.timers(), requestTimeoutMs: SLOW_MACHINE_MS, timeoutMs: 86_400_000 });
const collect = async <T>(rows: AsyncIterable<T>) => {
  const found: T[] = [];
  for await (const row of rows) found.push(row);
  return found;
};

/** A row of mp_action_listing_fast as the sandbox's metadata describes it. */
interface ActionRow {
  ActionId: string;
  EventDate: string;
  ProgramId: string;
  Clicks: number;
  Amount: number;
}

describe("records(): typed rows, converted values, a file saved earlier", () => {
  it("converts the columns the report's metadata types, and types the rows as asked", async () => {
    const instance = jobs();
    const handle = await instance.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-03", END_DATE: "2026-11-03" });
    const coerce = columnTypes(await instance.reportMetadata("mp_action_listing_fast"));
    const rows = await collect(instance.records<ActionRow>(handle.id, { coerce }));
    expectTypeOf(rows).toEqualTypeOf<ActionRow[]>();
    expect(rows).toHaveLength(30);
    for (const row of rows) {
      expect(typeof row.Clicks).toBe("number");
      expect(typeof row.Amount).toBe("number");
      expect(typeof row.ActionId).toBe("string");
    }
    const raw = await collect(instance.records(handle.id));
    expect(rows.map((row) => row.Amount)).toEqual(raw.map((row) => Number(row["Amount"])));
    const auto = await collect(instance.records(handle.id, { coerce: "auto" }));
    expect(auto[0]!["EventDate"]).toEqual(new Date("2026-11-03"));
    expect(auto[0]!["ActionId"]).toBe(raw[0]!["ActionId"]);
  });

  it("reads download()'s file with records({ from }): the same rows, not one request more", async () => {
    const instance = jobs();
    const handle = await instance.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-04", END_DATE: "2026-11-04" });
    const fetched = await collect(instance.records(handle.id, { coerce: "auto" }));
    const { path } = await instance.download(handle.id, { to: join(dir, "actions.csv") });
    sandbox.control.clearRequests();
    expect(await collect(instance.records({ from: path, coerce: "auto" }))).toEqual(fetched);
    expect(sandbox.control.requests()).toEqual([]);
    writeFileSync(join(dir, "rows.json"), JSON.stringify({ Records: [{ a: "1" }, { a: "2" }] }));
    expect(await collect(instance.records({ from: join(dir, "rows.json"), coerce: { a: "number" } }))).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it("refuses a bad coerce, an empty path, a missing file and an XML file, before or without any request", async () => {
    const instance = jobs();
    sandbox.control.clearRequests();
    expect(() => instance.records("d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f", { coerce: { Clicks: "int" as never } })).toThrow(InvalidArgumentError);
    expect(() => instance.records({ from: "" })).toThrow("records({ from }) needs the path of a result saved earlier");
    const missing = await rejection(collect(instance.records({ from: join(dir, "nope.csv") })));
    expect((missing as NodeJS.ErrnoException).code).toBe("ENOENT");
    writeFileSync(join(dir, "r.xml"), "<Records></Records>");
    const xml = await rejection(collect(instance.records({ from: join(dir, "r.xml") })));
    expect(xml).toBeInstanceOf(DownloadError);
    expect((xml as Error).message).toBe(`${join(dir, "r.xml")} has an XML result; records() reads CSV and JSON results (use stream() for XML)`);
    expect(sandbox.control.requests()).toEqual([]);
  });
});
