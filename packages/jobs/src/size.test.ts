import { execFileSync } from "node:child_process";
import { createRequire } from "node:module";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const sizeLimit = join(createRequire(import.meta.url).resolve("size-limit/package.json"), "..", "bin.js");

describe("bundle size (size-limit, brotli, all dependencies)", () => {
  it("keeps the wait + download path within its budget in .size-limit.json", () => {
    const output = execFileSync(process.execPath, [sizeLimit, "--json"], { cwd: join(import.meta.dirname, ".."), encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
    const results = JSON.parse(output) as Array<{ name: string; passed: boolean; size: number }>;
    expect(results.map((result) => result.name)).toEqual(["wait + download, with a flavor client and openapi-fetch"]);
    for (const result of results) expect(result, `${result.name}: ${result.size} bytes`).toMatchObject({ passed: true });
  });
});
