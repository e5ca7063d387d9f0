/**
 * Exports a report and writes its rows to a Parquet file as they arrive (bounded memory), with the
 * numeric columns as numbers:
 *   node records-to-parquet.ts actions.parquet
 */
import { createJobs } from "@impactkit/jobs";
import { createClient } from "@impactkit/partner-v15";
import { fileWriter, parquetWriteRows } from "hyparquet-writer";
import { account } from "./account.ts";

interface Action {
  ActionId: string;
  EventDate: string;
  ProgramId: string;
  Clicks: number;
  Amount: number;
}

const target = process.argv[2] ?? "actions.parquet";
const jobs = createJobs(createClient(account()));
const handle = await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-30" });
await jobs.wait(handle.id);
let rows = 0;
async function* actions(): AsyncGenerator<Action> {
  for await (const action of jobs.records<Action>(handle.id, { coerce: { Clicks: "number", Amount: "number" } })) {
    rows += 1;
    yield action;
  }
}
await parquetWriteRows({
  writer: fileWriter(target),
  rows: actions(),
  columns: [
    { name: "ActionId", type: "STRING" },
    { name: "EventDate", type: "STRING" },
    { name: "ProgramId", type: "STRING" },
    { name: "Clicks", type: "INT32" },
    { name: "Amount", type: "DOUBLE" },
  ],
});
console.log(`${rows} rows in ${target}`);
