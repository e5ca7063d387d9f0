import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const sizeLimit = join(createRequire(import.meta.url).resolve("size-limit/package.json"), "..", "bin.js");

describe("bundle size (size-limit, brotli, all dependencies)", () => {
  it("keeps the wait + download path within its budget in .size-limit.json", () => {
    const output = execFileSync(process.execPath, [sizeLimit, "--json"], {
      cwd: join(import.meta.dirname, "..", ".."),
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    const results = JSON.parse(output) as Array<{ name: string; passed: boolean; size: number }>;
    const budgeted = results.find((result) => result.name === "wait + download, with a flavor client and openapi-fetch");
    expect(budgeted, `${budgeted?.size} bytes`).toMatchObject({ passed: true });
    for (const result of results) expect(result.size).toBeGreaterThan(1_000);
  });
});
