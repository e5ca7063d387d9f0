import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const folder = mkdtempSync(join(tmpdir(), "impactkit-lazy-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/**
 * A program that only waits loads no result parser: csv-parse and @streamparser/json come with the first
 * `records()` of their kind. Run in a process of its own (the built package, as a user imports it), with a
 * module hook listing what it resolves.
 */
describe("the result parsers load with the first records() that needs them", () => {
  it("importing @impactkit/jobs loads neither; a CSV file's records load csv-parse, a JSON file's @streamparser/json", () => {
    const [csv, json] = [join(folder, "rows.csv"), join(folder, "rows.json")];
    writeFileSync(csv, "Id,Name\n1,one\n");
    writeFileSync(json, '[{"Id":"1","Name":"one"}]');
    const program = `
      import { registerHooks } from "node:module";
      const loaded = () => [...seen].filter((url) => /csv-parse|@streamparser/.test(url)).map((url) => url.match(/csv-parse|@streamparser\\/json/)[0]);
      const seen = new Set();
      registerHooks({ resolve(specifier, context, next) { const resolved = next(specifier, context); seen.add(resolved.url); return resolved; } });
      const { createJobs } = await import("@impactkit/jobs");
      const { createClient } = await import("@impactkit/partner-v15");
      const jobs = createJobs(createClient({ accountSid: "IRLAZY", authToken: "token", baseUrl: "http://127.0.0.1:9" }));
      const steps = { imported: [...new Set(loaded())] };
      for await (const row of jobs.records({ from: ${JSON.stringify(csv)} })) steps.csvRow = row;
      steps.afterCsv = [...new Set(loaded())];
      for await (const row of jobs.records({ from: ${JSON.stringify(json)} })) steps.jsonRow = row;
      steps.afterJson = [...new Set(loaded())].sort();
      console.log(JSON.stringify(steps));
    `;
    const output = execFileSync(process.execPath, ["--input-type=module", "-e", program], { cwd: import.meta.dirname, encoding: "utf8" });
    expect(JSON.parse(output)).toEqual({
      imported: [],
      csvRow: { Id: "1", Name: "one" },
      afterCsv: ["csv-parse"],
      jsonRow: { Id: "1", Name: "one" },
      afterJson: ["@streamparser/json", "csv-parse"],
    });
  });
});
