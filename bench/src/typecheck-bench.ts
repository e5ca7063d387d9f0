import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { command } from "./processes.ts";
import { table } from "./stats.ts";

const DIR = join(import.meta.dirname, "..", ".typecheck");
const TSC = join(import.meta.dirname, "..", "node_modules", "typescript", "bin", "tsc");

const CONSUMER = `import { createClient as agency } from "@impactkit/agency-v3";
import { createClient as brand } from "@impactkit/brand";
import { createClient as partner } from "@impactkit/partner-v15";
import { createJobs } from "@impactkit/jobs";

const options = { accountSid: "IR1", authToken: "t" };
export async function run(): Promise<void> {
  const p = createJobs(partner(options));
  const a = createJobs(agency(options));
  const b = createJobs(brand(options));
  const handle = await p.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-02" });
  await p.wait(handle.id);
  await a.exportReport("att_adv_performance_by_day_pm_only", {});
  await b.exportClicks({ ProgramId: 1, Date: "2026-11-24" });
  const job = await partner(options).GET("/Jobs/{JobId}", { params: { path: { JobId: handle.id } } });
  const list = await agency(options).GET("/Jobs", {});
  const download = await brand(options).GET("/Jobs/{JobId}/Download", { params: { path: { JobId: handle.id } } });
  console.log(job.data?.Status, list.data, download.response.status);
}
`;

export interface TypecheckRow {
  consumer: string;
  seconds: number;
  instantiations: number;
  types: number;
}

function stat(output: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+([\\d.]+)`, "m").exec(output);
  return match ? Number(match[1]) : Number.NaN;
}

/** `tsc --noEmit --extendedDiagnostics` of a consumer of all three flavors and jobs, against an empty one. */
export async function typecheckBench(): Promise<TypecheckRow[]> {
  rmSync(DIR, { recursive: true, force: true });
  mkdirSync(DIR, { recursive: true });
  writeFileSync(join(DIR, "consumer.ts"), CONSUMER);
  writeFileSync(join(DIR, "empty.ts"), "export const nothing = 0;\n");
  const options = {
    strict: true,
    target: "es2022",
    module: "nodenext",
    moduleResolution: "nodenext",
    noEmit: true,
    skipLibCheck: true,
    types: ["node"],
    lib: ["es2023", "dom"],
  };
  const rows: TypecheckRow[] = [];
  try {
    for (const file of ["empty.ts", "consumer.ts"]) {
      writeFileSync(join(DIR, "tsconfig.json"), JSON.stringify({ compilerOptions: options, files: [file] }));
      const output = await command(process.execPath, [TSC, "-p", join(DIR, "tsconfig.json"), "--extendedDiagnostics"]);
      rows.push({
        consumer: file === "empty.ts" ? "empty" : "all three flavors + jobs",
        seconds: stat(output, "Total time"),
        instantiations: stat(output, "Instantiations"),
        types: stat(output, "Types"),
      });
    }
  } finally {
    rmSync(DIR, { recursive: true, force: true });
  }
  return rows;
}

export function renderTypecheck(rows: readonly TypecheckRow[]): string {
  const [empty, consumer] = rows as [TypecheckRow, TypecheckRow];
  return [
    table(
      ["consumer", "tsc total time", "instantiations", "types"],
      rows.map((row) => [row.consumer, `${row.seconds.toFixed(2)} s`, row.instantiations.toLocaleString("en-US"), row.types.toLocaleString("en-US")]),
    ),
    "",
    `The consumer costs ${(consumer.seconds / empty.seconds).toFixed(2)}× the empty one's time and ${(consumer.instantiations - empty.instantiations).toLocaleString("en-US")} more instantiations (TypeScript ${"7"}, skipLibCheck).`,
  ].join("\n");
}
