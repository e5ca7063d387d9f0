import { execFile, spawn } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { MCP_TOOLS, machineEnv, SANDBOX_EXPORTS } from "@impactkit/testing";
import { startSandbox } from "@impactkit/sandbox";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BIN, type SandboxedCli, sandboxedCli, start, until } from "./testing/support.js";

const SID = "IRMCPCLI001";
const TOKEN = "tok-mcp-cli-Secret-8Wd";
const BASIC = Buffer.from(`${SID}:${TOKEN}`).toString("base64");
/** A second account, for `--profiles`. */
const OTHER = { accountSid: "IRMCPCLI002", authToken: "tok-mcp-other-Secret-3Pv" };
const OTHER_BASIC = Buffer.from(`${OTHER.accountSid}:${OTHER.authToken}`).toString("base64");

/** Each flavor, a report the sandbox serves it, and the parameters that report needs. */
const FLAVORS = SANDBOX_EXPORTS;
type Flavor = (typeof FLAVORS)[number];

let sandboxed: SandboxedCli;
let home: string;
/** The folder the server downloads into: inside `home`, so that a file written out of it would show there. */
let dir: string;
/** Every message a client received and everything a server wrote to stderr, scanned for credentials at the end. */
const transcripts: string[] = [];

beforeAll(async () => {
  sandboxed = await sandboxedCli(SID, TOKEN, { clock: { timeScale: 1_000 }, job: { queueMs: 0, runMs: 1_000, rows: 20 } });
});
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "impactkit-mcp-cli-"));
  dir = join(home, "downloads");
  mkdirSync(dir);
});
afterEach(() => rmSync(home, { recursive: true, force: true }));
afterAll(async () => {
  expect(transcripts.length).toBeGreaterThan(50);
  for (const text of transcripts) {
    for (const secret of [TOKEN, BASIC, OTHER.authToken, OTHER_BASIC]) expect(text).not.toContain(secret);
    // No signed storage URL either.
    expect(text).not.toMatch(/[?&](X-Amz-|Signature=|sig=)/i);
  }
  await sandboxed.close();
});

/** The account of `api` on the sandbox, and no config file (HOME and IMPACTKIT_CONFIG point into the test's folder). */
const envFor = (api = "partner-v15"): Record<string, string> => ({
  ...sandboxed.env(api),
  HOME: home,
  IMPACTKIT_CONFIG: join(home, "no-config.json"),
});

/** `transport` with every message it receives copied to `transcripts` — from the first, the initialize result, on. */
function recorded<T extends Transport>(transport: T): T {
  let handler: Transport["onmessage"];
  Object.defineProperty(transport, "onmessage", {
    get: () => handler,
    set: (next: Transport["onmessage"]) => {
      handler = next && ((message, extra) => (transcripts.push(JSON.stringify(message)), next(message, extra)));
    },
  });
  return transport;
}

/** A client of a running `impactkit mcp`: its tools called, what it wrote to stderr, and how to end it. */
interface Session {
  client: Client;
  call(name: string, args: Record<string, unknown>): Promise<CallToolResult>;
  stderr(): string;
  /** Ends the session: the client closes the server's stdin (the raw tests below check that the server then exits by itself). */
  close(): Promise<void>;
}

const newClient = () => new Client({ name: "impactkit-cli-tests", version: "0" });
const callOf = (client: Client) => async (name: string, args: Record<string, unknown>) => (await client.callTool({ name, arguments: args })) as CallToolResult;

/** `impactkit mcp --directory <dir> …args` on stdio, through the SDK's stdio client. */
async function overStdio(args: string[], env: Record<string, string>): Promise<Session> {
  const transport = recorded(
    new StdioClientTransport({
      command: process.execPath,
      args: [BIN, "mcp", "--directory", dir, "--first-check", "10ms", ...args],
      env: { ...machineEnv(), ...env },
      stderr: "pipe",
    }),
  );
  let stderr = "";
  transport.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const client = newClient();
  // A line on stdout that is not a JSON-RPC message would be reported here.
  const errors: Error[] = [];
  client.onerror = (error) => void errors.push(error);
  await client.connect(transport);
  return {
    client,
    call: callOf(client),
    stderr: () => stderr,
    close: async () => {
      await client.close();
      transcripts.push(stderr);
      expect(errors).toEqual([]);
    },
  };
}

/** `impactkit mcp --http 0 --directory <dir> …args`: the URL and the bearer token read from its stderr. */
async function httpServer(args: string[], env: Record<string, string>) {
  const server = start(["mcp", "--directory", dir, "--first-check", "10ms", "--http", "0", ...args], env);
  await until(() => /Authorization: Bearer \S+\n/.test(server.output()), "the URL and the token on stderr");
  const stderr = server.output();
  const url = /at (http:\/\/127\.0\.0\.1:\d+\/mcp);/.exec(stderr)?.[1];
  const bearer = /Authorization: Bearer (\S+)\n/.exec(stderr)?.[1];
  expect(url).toBeDefined();
  expect(bearer).toMatch(/^[A-Za-z0-9_-]{43}$/);
  return {
    ...server,
    url: url!,
    bearer: bearer!,
    /** Stops the server with SIGTERM: resolves with its run, kept for the credential checks. */
    stop: async () => {
      server.child.kill("SIGTERM");
      const run = sandboxed.keep(await server.done);
      transcripts.push(run.stderr);
      return run;
    },
  };
}

/** A client of the server at `url` sending `headers` with every request. */
async function overHttp(url: string, headers: Record<string, string>): Promise<Client> {
  const client = newClient();
  await client.connect(recorded(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } })));
  return client;
}

const data = (result: CallToolResult) => result.structuredContent as Record<string, any>;
const text = (result: CallToolResult) => (result.content[0] as { text: string }).text;

/**
 * The flow an agent follows, for `flavor`: discover the reports, export one, wait, download into the folder,
 * preview; a wrong report id and a file name out of the folder are tool errors.
 */
async function exportFlow(call: Session["call"], client: Client, flavor: Flavor, label: string): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((tool) => tool.name).sort()).toEqual(MCP_TOOLS);
  const reports = data(await call("list_reports", {}))["reports"] as Array<{ Id: string }>;
  expect(reports.map((report) => report.Id)).toContain(flavor.report);

  const exported = await call("export_report", { reportId: flavor.report, params: flavor.params });
  expect(exported.isError, text(exported)).toBeFalsy();
  const { jobId } = data(exported);
  expect(sandboxed.sandbox.control.job(jobId).job).toMatchObject({ type: "ApiReport", flavor: flavor.api, source: flavor.report, params: flavor.params });
  expect(data(await call("wait_for_job", { jobId }))).toMatchObject({ finished: true, job: { Id: jobId, Status: "COMPLETED" } });

  const saved = data(await call("download_result", { jobId, fileName: `${label}/${flavor.api}.csv` }));
  expect(saved["path"]).toBe(join(label, `${flavor.api}.csv`));
  expect(statSync(join(dir, saved["path"])).size).toBe(saved["bytes"]);
  expect(saved["bytes"]).toBe((await sandboxed.sandbox.control.result(jobId)).size);

  const preview = data(await call("preview_result", { jobId, rows: 3 }));
  expect(preview["rows"]).toHaveLength(3);
  expect(preview["columns"].length).toBe(preview["rows"][0].length);

  const wrong = await call("export_report", { reportId: "no_such_report", params: flavor.params });
  expect(wrong.isError).toBe(true);
  expect(text(wrong)).toContain("no_such_report");

  const escaping = await call("download_result", { jobId, fileName: `../${flavor.api}.csv` });
  expect(escaping.isError).toBe(true);
  expect(text(escaping)).toContain("download folder");
  expect(readdirSync(home)).toEqual(["downloads"]);
  expect(existsSync(join(home, `${flavor.api}.csv`))).toBe(false);
}

describe.each(FLAVORS)("impactkit mcp for $api", (flavor) => {
  it("on stdio: discover, export, wait, download, preview; tool errors for a wrong report and a path out of --directory", async () => {
    const session = await overStdio([], envFor(flavor.api));
    await exportFlow(session.call, session.client, flavor, "stdio");
    expect(session.stderr()).toContain(`serving default on stdio; downloads go to ${dir}`);
    await session.close();
  });

  it("over HTTP with the bearer token: the same flow", async () => {
    const server = await httpServer([], envFor(flavor.api));
    const client = await overHttp(server.url, { Authorization: `Bearer ${server.bearer}` });
    await exportFlow(callOf(client), client, flavor, "http");
    await client.close();
    const run = await server.stop();
    expect(run.code).toBe(143);
    expect(run.stdout).toBe("");
    // What is served, then the URL and the token, once.
    expect(run.stderr).toBe(
      `impactkit mcp: serving default over Streamable HTTP; downloads go to ${dir}\n` +
        `impactkit mcp: listening at ${server.url}; every request needs the header  Authorization: Bearer ${server.bearer}\n`,
    );
  });
});

describe("impactkit mcp within the account's budget, on stdio", () => {
  it("refuses the 11th ClickExport of the day as a tool error, before any request, saying what to do", async () => {
    const session = await overStdio([], envFor());
    for (let day = 1; day <= 10; day += 1)
      expect((await session.call("export_clicks", { date: `2026-10-${String(day).padStart(2, "0")}` })).isError, `day ${day}`).toBeFalsy();
    sandboxed.sandbox.control.clearRequests();
    const refused = await session.call("export_clicks", { date: "2026-10-11" });
    expect(refused.isError).toBe(true);
    expect((refused.content[0] as { text: string }).text).toMatch(/ClickExport.*budget tool/s);
    expect(sandboxed.sandbox.control.requests()).toEqual([]);
    await session.close();
  });

  it("a cancelled wait_for_job sends no check after the cancellation", async () => {
    const { sandbox } = sandboxed;
    sandbox.control.planNext({ runMs: 3_600_000_000 });
    const session = await overStdio([], envFor());
    const exported = await session.call("export_report", { reportId: FLAVORS[0].report, params: { ...FLAVORS[0].params, SUBAID: "cancel" } });
    const { jobId } = exported.structuredContent as { jobId: string };
    const checks = () => sandbox.control.requests("api").filter((request) => request.path.endsWith(`/Jobs/${jobId}`) || request.path.endsWith("/Jobs")).length;
    const before = checks();
    const controller = new AbortController();
    const waiting = session.client.callTool({ name: "wait_for_job", arguments: { jobId } }, undefined, { signal: controller.signal });
    await until(() => checks() > before, "the wait's first check");
    controller.abort();
    await expect(waiting).rejects.toThrow();
    // A check already on its way may still arrive; none after it. The waits back off from one second: four
    // seconds would see two or more, were the wait still running.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const settled = checks();
    expect(settled - before).toBeLessThanOrEqual(2);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    expect(checks()).toBe(settled);
    await session.close();
  });
});

describe("impactkit mcp on stdio", () => {
  /** The real binary with pipes of its own: what it writes to stdout, line by line, and how it ends. */
  function raw(args: string[], env: Record<string, string>) {
    const child = spawn(process.execPath, [BIN, "mcp", "--directory", dir, "--first-check", "10ms", ...args], {
      env: { ...machineEnv(), ...env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exit = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    const send = (message: Record<string, unknown>) => child.stdin.write(`${JSON.stringify({ jsonrpc: "2.0", ...message })}\n`);
    /** The messages on stdout, each line parsed (a line that is not JSON fails the test). */
    const messages = () =>
      stdout
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as Record<string, any>);
    const answered = (id: number) => until(() => messages().some((message) => message["id"] === id), `the answer to request ${id}`);
    const initialize = async () => {
      send({ id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } } });
      await answered(1);
      send({ method: "notifications/initialized" });
    };
    const done = async () => {
      const code = await exit;
      sandboxed.keep({ code, stdout, stderr });
      transcripts.push(stdout, stderr);
      return code;
    };
    return { child, send, messages, answered, initialize, done, stderr: () => stderr };
  }

  it("writes JSON-RPC messages alone to stdout, request logs to stderr only with --verbose, and ends when stdin closes", async () => {
    for (const verbose of [false, true]) {
      const server = raw(verbose ? ["--verbose"] : [], envFor());
      await server.initialize();
      server.send({ id: 2, method: "tools/call", params: { name: "list_reports", arguments: {} } });
      await server.answered(2);
      server.child.stdin.end();
      expect(await server.done()).toBe(0);
      for (const message of server.messages()) expect(message["jsonrpc"]).toBe("2.0");
      expect(server.messages().find((message) => message["id"] === 2)!["result"]["structuredContent"]["reports"].length).toBeGreaterThan(0);
      expect(server.stderr().includes(`→ api GET ${sandboxed.sandbox.url}/Mediapartners/${SID}/Reports`)).toBe(verbose);
    }
  });

  it("ends on SIGTERM and SIGINT, as every command does (143, 130)", async () => {
    for (const [signal, code] of [
      ["SIGTERM", 143],
      ["SIGINT", 130],
    ] as const) {
      const server = raw([], envFor());
      await server.initialize();
      server.child.kill(signal);
      expect(await server.done()).toBe(code);
    }
  });

  it("names the account after its profile, or default", async () => {
    const config = join(home, "config.json");
    writeFileSync(
      config,
      JSON.stringify({
        default: "acme",
        profiles: { acme: { api: "partner-v15", accountSid: SID, authTokenEnv: "ACME_TOKEN", baseUrl: sandboxed.sandbox.url } },
      }),
    );
    const accountsOf = async (env: Record<string, string>) => {
      const session = await overStdio([], env);
      const { tools } = await session.client.listTools();
      const schema = tools.find((tool) => tool.name === "export_report")!.inputSchema as { properties: Record<string, { enum?: string[] }> };
      await session.close();
      return schema.properties["account"]!.enum;
    };
    expect(await accountsOf({ HOME: home, IMPACTKIT_CONFIG: config, ACME_TOKEN: TOKEN })).toEqual(["acme"]);
    // The variables beat the file's default profile: the account is not that profile's.
    const other = { ...envFor(), IMPACT_ACCOUNT_SID: "IRNOTACME01", IMPACTKIT_CONFIG: config, ACME_TOKEN: TOKEN };
    expect(await accountsOf(other)).toEqual(["default"]);
    expect(await accountsOf(envFor())).toEqual(["default"]);
  });

  it("serves the profiles --profiles names, each an account of its own flavor", async () => {
    const two = await startSandbox({ accounts: [{ accountSid: SID, authToken: TOKEN }, OTHER], clock: { timeScale: 1_000 } });
    const config = join(home, "config.json");
    writeFileSync(
      config,
      JSON.stringify({
        profiles: {
          acme: { api: "partner-v15", accountSid: SID, authTokenEnv: "ACME_TOKEN", baseUrl: two.url },
          agency: { api: "brand", accountSid: OTHER.accountSid, authToken: OTHER.authToken, baseUrl: two.url },
          unused: { api: "agency-v3", accountSid: OTHER.accountSid, authToken: OTHER.authToken, baseUrl: two.url },
        },
      }),
    );
    chmodSync(config, 0o600);
    const session = await overStdio(["--profiles", "acme,agency"], { HOME: home, IMPACTKIT_CONFIG: config, ACME_TOKEN: TOKEN });
    const { tools } = await session.client.listTools();
    const schema = tools.find((tool) => tool.name === "list_reports")!.inputSchema as { properties: Record<string, { enum?: string[] }> };
    expect(schema.properties["account"]!.enum).toEqual(["acme", "agency"]);
    const partner = data(await session.call("list_reports", { account: "acme" }))["reports"] as Array<{ Id: string }>;
    const brand = data(await session.call("list_reports", { account: "agency" }))["reports"] as Array<{ Id: string }>;
    expect(partner.map((report) => report.Id)).toContain("mp_action_listing_fast");
    expect(brand.map((report) => report.Id)).toContain("adv_action_listing_pm_only");
    expect(two.control.requests().map((request) => request.path.split("/").slice(1, 3).join("/"))).toEqual([
      `Mediapartners/${SID}`,
      `Advertisers/${OTHER.accountSid}`,
    ]);
    // A profile that was not named is no account of the server.
    expect((await session.call("list_reports", { account: "unused" })).isError).toBe(true);
    expect(session.stderr()).toContain("serving acme, agency on stdio");
    await session.close();
    expect(two.control.violations()).toEqual([]);
    await two.close();
  });
});

describe("impactkit mcp --http", () => {
  it("refuses a request without the token, with another, or from a foreign origin", async () => {
    const server = await httpServer([], envFor());
    const initialize = JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "0" } },
    });
    const post = (headers: Record<string, string>) =>
      fetch(server.url, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json, text/event-stream", ...headers },
        body: initialize,
      });
    const without = await post({});
    expect(without.status).toBe(401);
    expect(without.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await post({ Authorization: `Bearer ${server.bearer.slice(0, -1)}` })).status).toBe(401);
    expect((await post({ Authorization: `Basic ${BASIC}` })).status).toBe(401);
    expect((await post({ Authorization: `Bearer ${server.bearer}`, Origin: "https://evil.example" })).status).toBe(403);
    expect((await post({ Authorization: `Bearer ${server.bearer}` })).status).toBe(200);
    await expect(overHttp(server.url, {})).rejects.toThrow(/401|Unauthorized/);
    const run = await server.stop();
    expect(run.stdout).toBe("");
  });

  it("takes a fixed token from IMPACTKIT_MCP_TOKEN, and prints its name instead; prints the URL also with --quiet", async () => {
    const fixed = "fixed-token-for-the-tests-0123456789abcdef";
    const server = start(["mcp", "--directory", dir, "--http", "0", "--quiet"], { ...envFor(), IMPACTKIT_MCP_TOKEN: fixed });
    await until(() => server.output().includes("Authorization: Bearer"), "the URL on stderr");
    const url = /at (http:\/\/127\.0\.0\.1:\d+\/mcp);/.exec(server.output())![1]!;
    const client = await overHttp(url, { Authorization: `Bearer ${fixed}` });
    expect((await client.listTools()).tools.length).toBe(MCP_TOOLS.length);
    await client.close();
    server.child.kill("SIGINT");
    const run = sandboxed.keep(await server.done);
    expect(run.code).toBe(130);
    expect(run.stderr).toBe(`impactkit mcp: listening at ${url}; every request needs the header  Authorization: Bearer $IMPACTKIT_MCP_TOKEN\n`);
  });
});

/** The MCP Inspector's launcher (https://github.com/modelcontextprotocol/inspector), run in its CLI mode. */
const INSPECTOR = join(dirname(fileURLToPath(import.meta.resolve("@modelcontextprotocol/inspector/package.json"))), "clients", "launcher", "build", "index.js");

/** `inspector --cli …args` to its end: its exit code and the JSON it printed. */
function inspector(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [INSPECTOR, "--cli", ...args], { env: { ...machineEnv(), HOME: home }, encoding: "utf8" }, (error, stdout, stderr) => {
      transcripts.push(stdout, stderr);
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    }),
  );
}

const toolNames = (stdout: string) => (JSON.parse(stdout) as { tools: Array<{ name: string }> }).tools.map((tool) => tool.name).sort();

describe("the MCP Inspector, in its CLI mode", () => {
  it("lists the tools of impactkit mcp on stdio", async () => {
    const env = Object.entries(envFor()).flatMap(([name, value]) => ["-e", `${name}=${value}`]);
    const listed = await inspector([...env, "--method", "tools/list", process.execPath, BIN, "mcp", "--directory", dir]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(toolNames(listed.stdout)).toEqual(MCP_TOOLS);
  });

  it("lists them over HTTP with the bearer token, and is refused without it", async () => {
    const server = await httpServer([], envFor());
    const listed = await inspector([server.url, "--transport", "http", "--header", `Authorization: Bearer ${server.bearer}`, "--method", "tools/list"]);
    expect(listed.code, listed.stderr).toBe(0);
    expect(toolNames(listed.stdout)).toEqual(MCP_TOOLS);
    const refused = await inspector([server.url, "--transport", "http", "--method", "tools/list"]);
    expect(refused.code).not.toBe(0);
    expect(refused.stdout).not.toContain("list_reports");
    await server.stop();
  });
});

describe("impactkit mcp without @impactkit/mcp", () => {
  it("says what to install: an optional peer that npm does not install with the CLI", async () => {
    // A resolve hook (https://nodejs.org/api/module.html#customization-hooks) that finds no @impactkit/mcp, as after `npm install --global @impactkit/cli` alone.
    const hook = `import { registerHooks } from "node:module";
registerHooks({ resolve(specifier, context, next) {
  if (specifier !== "@impactkit/mcp") return next(specifier, context);
  throw Object.assign(new Error("Cannot find package '@impactkit/mcp' imported from " + context.parentURL), { code: "ERR_MODULE_NOT_FOUND" });
} });`;
    const run = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(
        process.execPath,
        ["--import", `data:text/javascript,${encodeURIComponent(hook)}`, BIN, "mcp", "--directory", dir],
        { env: { ...machineEnv(), ...envFor() }, encoding: "utf8" },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }),
      ),
    );
    sandboxed.keep(run);
    expect(run.stderr).toBe("impactkit: impactkit mcp needs @impactkit/mcp, which is installed only for it: npm install --global @impactkit/mcp\n");
    expect(run.code).toBe(1);
    expect(run.stdout).toBe("");
  });
});

describe("impactkit mcp's usage errors (exit 2, nothing sent)", () => {
  it.each([
    ["without --directory", [], /--directory/],
    ["with a --directory that does not exist", ["--directory", "/nonexistent/impactkit-mcp"], /--directory \/nonexistent\/impactkit-mcp does not exist/],
    ["with a --directory that is a file", ["--directory", BIN], /--directory .* is not a folder/],
    ["with a bad --http port", ["--directory", ".", "--http", "80000"], /--http takes a port from 0 to 65535/],
    ["with --profiles and --api", ["--directory", ".", "--profiles", "a,b", "--api", "brand"], /--profiles takes each account from its profile: drop --api/],
    ["with a profile named twice", ["--directory", ".", "--profiles", "a,a"], /--profiles names "a" twice/],
    [
      "with an IMPACTKIT_MCP_TOKEN short enough to be guessed",
      ["--directory", ".", "--http", "0"],
      /^impactkit: IMPACTKIT_MCP_TOKEN must be at least 32 characters/,
    ],
  ])("%s", async (_case, args, message) => {
    sandboxed.sandbox.control.clearRequests();
    const run = await sandboxed.cli(["mcp", ...args], { ...envFor(), IMPACTKIT_MCP_TOKEN: "short-token" });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe("");
    expect(sandboxed.sandbox.control.requests()).toEqual([]);
  });

  it("without credentials", async () => {
    const run = await sandboxed.cli(["mcp", "--directory", dir], { HOME: home, IMPACTKIT_CONFIG: join(home, "none.json"), IMPACT_API: "brand" });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("credentials are required");
  });
});
