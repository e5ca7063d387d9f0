import { runInContext, createContext } from "node:vm";
import { build, type Platform } from "esbuild";
import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ACCOUNT = { accountSid: "IREDGE0001", authToken: "tok-edge-Secret-5" };
let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ accounts: [ACCOUNT], clock: { timeScale: 1_000 }, job: { queueMs: 0, runMs: 2_000, rows: 40 } });
});
afterAll(() => sandbox.close());

/** What a Worker or a browser page does with the packages: export, wait, read the rows and the bytes, and try a file download. */
const ENTRY = `
import { createJobs, InvalidArgumentError } from "@impactkit/jobs";
import { createClient } from "@impactkit/partner-v15";
globalThis.exportAndRead = async (baseUrl, accountSid, authToken) => {
  const jobs = createJobs(createClient({ accountSid, authToken, baseUrl }), { policy: { firstDelayMs: 10 } });
  const handle = await jobs.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-02" });
  const job = await jobs.wait(handle.id);
  const rows = [];
  for await (const row of jobs.records(handle.id)) rows.push(row);
  let bytes = 0;
  const reader = jobs.stream(handle.id).getReader();
  for (let read = await reader.read(); !read.done; read = await reader.read()) bytes += read.value.length;
  const refused = await jobs.download(handle.id, { to: "result.csv" }).then(() => undefined, (error) => [error instanceof InvalidArgumentError, error.message]);
  return { id: handle.id, status: job.Status, rows, bytes, refused };
};
globalThis.defaultAccountUrl = () => createClient({ accountSid: "IREDGE0001", authToken: "t" }).accountUrl;
`;

/** Bundles ENTRY as a user's bundler would for `platform`, resolving the workspace packages by their `exports`. */
async function bundle(platform: Platform, format: "iife" | "esm") {
  const result = await build({
    stdin: { contents: ENTRY, resolveDir: import.meta.dirname, loader: "js" },
    bundle: true,
    platform,
    format,
    write: false,
    metafile: true,
    logLevel: "silent",
    ...(platform === "neutral" ? { mainFields: ["module", "main"] } : {}),
  });
  return { code: result.outputFiles[0]!.text, inputs: Object.keys(result.metafile.inputs) };
}

/** The globals a Worker or a browser has — fetch and the web streams, no Buffer, no process, no require — and nothing else. */
function webGlobals() {
  const names = [
    "fetch",
    "Request",
    "Response",
    "Headers",
    "FormData",
    "URL",
    "URLSearchParams",
    "AbortController",
    "AbortSignal",
    "DOMException",
    "Event",
    "EventTarget",
    "TextEncoder",
    "TextDecoder",
    "ReadableStream",
    "WritableStream",
    "TransformStream",
    "CountQueuingStrategy",
    "ByteLengthQueuingStrategy",
    "TextDecoderStream",
    "TextEncoderStream",
    "Blob",
    "atob",
    "btoa",
    "setTimeout",
    "clearTimeout",
    "setInterval",
    "clearInterval",
    "queueMicrotask",
    "structuredClone",
    "performance",
    "console",
    "crypto",
  ] as const;
  const globals: Record<string, unknown> = Object.fromEntries(names.map((name) => [name, (globalThis as Record<string, unknown>)[name]]));
  return createContext(globals);
}

describe("@impactkit/jobs on runtimes without Node.js (browsers, Workers, Deno bundles)", () => {
  it.each([["browser"], ["neutral"]] as const)("bundles with esbuild for platform %s: its universal entry, no node: module, no Buffer", async (platform) => {
    const { code, inputs } = await bundle(platform, "esm");
    expect(code.length).toBeGreaterThan(0);
    expect(inputs.filter((input) => input.startsWith("node:") || /^(buffer|stream|events|util|fs|net|tls|zlib|crypto)$/.test(input))).toEqual([]);
    expect(inputs.some((input) => /packages\/jobs\/dist\/universal\.js$/.test(input))).toBe(true);
    expect(inputs.filter((input) => /jobs\/dist\/(index|download|node-transport|node-records|http1-exchange)\.js$/.test(input))).toEqual([]);
    expect(code).not.toMatch(/\brequire\(["']node:/);
  });

  it("runs in a context with only web globals: exports, waits, reads rows and bytes, and refuses a file download with the way out", async () => {
    const { code } = await bundle("browser", "iife");
    const context = webGlobals();
    runInContext(code, context);
    const run = (context as unknown as { exportAndRead: (...args: string[]) => Promise<Record<string, any>> }).exportAndRead;
    const outcome = await run(sandbox.url, ACCOUNT.accountSid, ACCOUNT.authToken);
    expect(outcome["status"]).toBe("COMPLETED");
    expect(outcome["rows"]).toHaveLength(40);
    expect(Object.keys(outcome["rows"][0])).toContain("ActionId");
    expect(outcome["bytes"]).toBe((await sandbox.control.result(outcome["id"])).size);
    expect(outcome["refused"]).toEqual([
      true,
      "download() writes a file, which needs Node.js, Deno or Bun (their entry point of @impactkit/jobs); here, read the result with stream() or records()",
    ]);
  });

  it("makes a client without baseUrl where there is no process to read IMPACT_BASE_URL from: https://api.impact.com", async () => {
    const { code } = await bundle("browser", "iife");
    const context = webGlobals();
    runInContext(code, context);
    expect((context as unknown as { defaultAccountUrl: () => string }).defaultAccountUrl()).toBe("https://api.impact.com/Mediapartners/IREDGE0001");
  });
});
