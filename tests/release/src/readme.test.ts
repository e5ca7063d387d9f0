import { execFile, execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startRedis, type ThrowawayRedis } from "@impactkit/queue/testing";
import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { machineEnv } from "@impactkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO } from "./packages.js";

/**
 * The ```ts blocks of every README. A block runs as it is written — `node block.ts` (Node.js strips the types),
 * or under vitest when it is a test file (it imports vitest) — against a sandbox that `IMPACT_BASE_URL` names,
 * twice in one fresh folder. A block that is not a whole program says so in its fence, with the reason:
 * ```` ```ts fragment: continues the quick start (its `jobs` and `id`) ````; it is type-checked, beside the
 * names of `FRAGMENT_GLOBALS` (what a reader's own code provides), and not run. See docs/maintaining.md.
 */
interface Block {
  readme: string;
  /** Its place among the README's ```ts blocks, from 0. */
  index: number;
  line: number;
  code: string;
  /** Why it is not run; undefined for a block that runs. */
  fragment: string | undefined;
  /** Its file name: a test file when it imports vitest. */
  file: string;
}

/** The names fragments use without defining them: what a reader's own code provides. */
const FRAGMENT_GLOBALS = `import type { Jobs } from "@impactkit/jobs";
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
  const app: { get(path: string, handler: (request: { query: Record<string, unknown> }, response: { sendStatus(code: number): void }) => void): void };
  function render(job: unknown): void;
  function save(token: string): void;
}
export {};
`;

const DIR = join(import.meta.dirname, "..", ".readme-check");
const READMES = ["README.md", ...readdirSync(join(REPO, "packages")).map((name) => `packages/${name}/README.md`)];
const FENCE = /^( *)```ts([^\n]*)\n([\s\S]*?)^\1```[ \t]*$/gm;
const INFO = /^ fragment: (\S.*)$/;

function blocksOf(readme: string): Block[] {
  const text = readFileSync(join(REPO, readme), "utf8");
  return [...text.matchAll(FENCE)].map((match, index) => {
    const [, indent = "", info = "", body = ""] = match;
    const line = text.slice(0, match.index).split("\n").length;
    const fragment = info === "" ? undefined : INFO.exec(info)?.[1];
    if (info !== "" && fragment === undefined)
      throw new Error(`${readme}:${line}: a ts fence says nothing or "fragment: <why it is not run>", not ${JSON.stringify(info)}`);
    const code = body
      .split("\n")
      .map((text) => (text.startsWith(indent) ? text.slice(indent.length) : text))
      .join("\n");
    const test = /^import .* from "vitest";$/m.test(code);
    return { readme, index, line, code, fragment, file: `${readme.replaceAll("/", "_").replace(/\.md$/, "")}.${index}${test ? ".test" : ""}.ts` };
  });
}

const BLOCKS = READMES.flatMap(blocksOf);
const RUN = BLOCKS.filter((block) => block.fragment === undefined);
const FRAGMENTS = BLOCKS.filter((block) => block.fragment !== undefined);
const where = (block: Block) => `${block.readme}:${block.line} (block ${block.index})`;

/** Type-checks the files of `folder` as a user's project would: strict, Node.js module resolution, every library's types checked. */
function typeCheck(folder: string, module: "nodenext" | "node16"): string {
  const compilerOptions = {
    strict: true,
    target: "es2022",
    module,
    moduleResolution: module,
    noEmit: true,
    skipLibCheck: false,
    types: ["node"],
    lib: ["es2023", "dom"],
  };
  writeFileSync(join(folder, `tsconfig.${module}.json`), JSON.stringify({ compilerOptions, include: ["*.ts"] }));
  try {
    execFileSync(process.execPath, [join(REPO, "node_modules", "typescript", "bin", "tsc"), "-p", join(folder, `tsconfig.${module}.json`)], {
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    });
    return "";
  } catch (error) {
    return (error as { stdout: string }).stdout;
  }
}

let sandbox: Sandbox;
let redis: ThrowawayRedis;
const folders: string[] = [];

beforeAll(async () => {
  rmSync(DIR, { recursive: true, force: true });
  for (const [folder, blocks] of [
    ["run", RUN],
    ["fragment", FRAGMENTS],
  ] as const) {
    mkdirSync(join(DIR, folder), { recursive: true });
    for (const block of blocks) writeFileSync(join(DIR, folder, block.file), `${block.code}\nexport {};\n`);
  }
  writeFileSync(join(DIR, "fragment", "globals.d.ts"), FRAGMENT_GLOBALS);
  writeFileSync(join(DIR, "run", "vitest.config.mjs"), `export default { test: { include: ["*.test.ts"], watch: false } };\n`);
  // Jobs take about 4 s of sandbox time, 60 times faster than that; signed URLs stay valid 5 s.
  sandbox = await startSandbox({ clock: { timeScale: 60 }, job: { queueMs: 500, runMs: 3_000, rows: 20 } });
  redis = await startRedis();
});
afterAll(async () => {
  await sandbox?.close();
  await redis?.stop();
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
  rmSync(DIR, { recursive: true, force: true });
});

describe("the README examples", () => {
  it("are whole programs, but for a few fragments that say why; every README's first example is one", () => {
    expect(BLOCKS.length).toBeGreaterThan(25);
    expect(RUN.length).toBeGreaterThan(FRAGMENTS.length);
    const firstNotRun = READMES.flatMap((readme) => BLOCKS.filter((block) => block.readme === readme).slice(0, 1)).filter((block) => block.fragment);
    expect(firstNotRun.map(where)).toEqual([]);
  });

  it("run our commands by their scoped packages: npx never fetches an unscoped name someone else could publish", () => {
    const runs = READMES.flatMap((readme) =>
      readFileSync(join(REPO, readme), "utf8")
        .split("\n")
        .filter((line) => /\bnpx\s/.test(line))
        .map((line) => `${readme}: ${line.trim()}`),
    );
    expect(runs.length).toBeGreaterThan(5);
    expect(runs.filter((line) => !/\bnpx (-p |--package[= ])?@impactkit\//.test(line))).toEqual([]);
  });

  it.each(["nodenext", "node16"] as const)(
    "type-check against the built packages: TypeScript 7, strict, module %s, skipLibCheck false (the libraries' types too)",
    (module) => {
      expect(typeCheck(join(DIR, "run"), module)).toBe("");
      expect(typeCheck(join(DIR, "fragment"), module)).toBe("");
    },
  );

  it("run as written against the sandbox (IMPACT_BASE_URL), twice in one fresh folder, and end on their own", async () => {
    const [account] = sandbox.accounts;
    const env = {
      ...machineEnv(),
      IMPACT_ACCOUNT_SID: account!.accountSid,
      IMPACT_AUTH_TOKEN: account!.authToken,
      [`IMPACT_AUTH_TOKEN_${account!.accountSid}`]: account!.authToken,
      IMPACT_BASE_URL: sandbox.url,
      IMPACT_REDIS_URL: redis.url,
    };
    const run = (block: Block, cwd: string) =>
      new Promise<{ code: number | string; stdout: string; stderr: string }>((resolve) => {
        const file = join(DIR, "run", block.file);
        const args = block.file.endsWith(".test.ts")
          ? [
              join(import.meta.dirname, "..", "node_modules", "vitest", "vitest.mjs"),
              "run",
              "--root",
              join(DIR, "run"),
              "--config",
              join(DIR, "run", "vitest.config.mjs"),
              file,
            ]
          : [file];
        // A program that has not ended in two minutes never will (a server left listening, a promise never settled).
        execFile(process.execPath, args, { cwd, env, encoding: "utf8", timeout: 120_000, killSignal: "SIGKILL" }, (error, stdout, stderr) =>
          resolve({ code: error ? (error.code ?? error.signal ?? 1) : 0, stdout, stderr }),
        );
      });
    const failures: string[] = [];
    const queue = [...RUN];
    const worker = async () => {
      for (let block = queue.shift(); block; block = queue.shift()) {
        const folder = mkdtempSync(join(tmpdir(), "impactkit-readme-"));
        folders.push(folder);
        for (const attempt of ["first", "second"]) {
          const result = await run(block, folder);
          const vitest = block.file.endsWith(".test.ts");
          if (result.code === 0 && (vitest || result.stderr === "")) continue;
          failures.push(`${where(block)}, ${attempt} run: exit ${result.code}\n${result.stderr}${vitest ? result.stdout : ""}`);
          break;
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    expect(failures).toEqual([]);
    expect(sandbox.control.violations()).toEqual([]);
  }, 900_000);

  it("name what each package's entry points export as they do", async () => {
    const claims: Array<{ readme: string; name: string; entry: string }> = [];
    for (const dir of readdirSync(join(REPO, "packages"))) {
      const readme = `packages/${dir}/README.md`;
      const text = readFileSync(join(REPO, readme), "utf8");
      const main = (JSON.parse(readFileSync(join(REPO, "packages", dir, "package.json"), "utf8")) as { name: string }).name;
      for (const match of text.matchAll(/((?:`\w+`(?:,\s+|\s+and\s+)?)+)(?:\s+\([^)]*\))?\s+(?:is|are)\s+exported(?:\s+by\s+`(@impactkit\/[\w/-]+)`)?/g))
        for (const [, name] of match[1]!.matchAll(/`(\w+)`/g)) claims.push({ readme, name: name!, entry: match[2] ?? main });
      for (const match of text.matchAll(/exported as `(\w+)`|`(\w+)` \(exported\)/g)) claims.push({ readme, name: (match[1] ?? match[2])!, entry: main });
    }
    expect(claims.length).toBeGreaterThan(3);
    const wrong: string[] = [];
    for (const { readme, name, entry } of claims) if (!(name in (await import(entry)))) wrong.push(`${readme}: ${entry} does not export ${name}`);
    expect(wrong).toEqual([]);
  });
});
