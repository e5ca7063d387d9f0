import { execFileSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO } from "./packages.js";

/** Names the README examples use without defining them: what a reader's own code provides. */
const GLOBALS = `import type { Jobs } from "@impactkit/jobs";
import type { Client, paths } from "@impactkit/partner-v15";
import type { Sandbox } from "@impactkit/sandbox";
declare global {
  const id: string;
  const jobId: string;
  const jobs: Jobs<paths>;
  const client: Client;
  const sandbox: Sandbox;
  const email: string;
  const token: string;
  const bar: { update(fraction: number): void };
  const redis: { set(key: string, value: string): Promise<unknown>; get(key: string): Promise<string> };
  const app: { get(path: string, handler: (request: { query: Record<string, unknown> }, response: { sendStatus(code: number): void }) => void): void };
  function render(job: unknown): void;
  function save(token: string): void;
}
export {};
`;

const DIR = join(import.meta.dirname, "..", ".readme-check");
const READMES = ["README.md", ...readdirSync(join(REPO, "packages")).map((name) => `packages/${name}/README.md`)];

afterAll(() => rmSync(DIR, { recursive: true, force: true }));

describe("the README examples", () => {
  it("type-check against the built packages (TypeScript 7, strict)", () => {
    rmSync(DIR, { recursive: true, force: true });
    mkdirSync(DIR);
    let blocks = 0;
    for (const readme of READMES) {
      const text = readFileSync(join(REPO, readme), "utf8");
      for (const [index, match] of [...text.matchAll(/```ts\n([\s\S]*?)```/g)].entries()) {
        blocks += 1;
        writeFileSync(join(DIR, `${readme.replaceAll("/", "_")}.${index}.ts`), `${match[1]}\nexport {};\n`);
      }
    }
    writeFileSync(join(DIR, "globals.d.ts"), GLOBALS);
    const compilerOptions = {
      strict: true,
      target: "es2022",
      module: "nodenext",
      moduleResolution: "nodenext",
      noEmit: true,
      skipLibCheck: true,
      types: ["node"],
      lib: ["es2023", "dom"],
    };
    writeFileSync(join(DIR, "tsconfig.json"), JSON.stringify({ compilerOptions, include: ["*.ts"] }));
    expect(blocks).toBeGreaterThan(15);
    let output = "";
    try {
      execFileSync(process.execPath, [join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", join(DIR, "tsconfig.json")], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      });
    } catch (error) {
      output = (error as { stdout: string }).stdout;
    }
    expect(output).toBe("");
  });
});
