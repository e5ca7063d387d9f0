#!/usr/bin/env node
import { parseArgs } from "node:util";
import { DEFAULT_ACCOUNT, startSandbox, type SandboxAccount, type SandboxOptions } from "./sandbox.js";

const USAGE = `Usage: impactkit-sandbox [options]

An offline impact.com Jobs API (Partner v15, Agency v3, Brand) on 127.0.0.1.

Options:
  --port N                API port (default 4010; 0 picks a free one)
  --storage-port N        storage origin port for signed download URLs (default: a free one)
  --account SID:TOKEN     an account (repeatable; default ${DEFAULT_ACCOUNT.accountSid}:${DEFAULT_ACCOUNT.authToken})
  --time-scale N          run sandbox time N times faster than real time (default 1)
  --start DATE            where sandbox time starts: an ISO 8601 date and time (such as
                          2026-11-25T12:00:00Z), or now (the default)
  --job-ms N              how long a job runs, in sandbox milliseconds (default 4500, plus 500 queued)
  --rows N                rows in each result file (default 1000)
  --rate-limit N          requests per account per hour (default 1000)
  --any-report            accept any report id (default: a known list)
  --fault-probability P   inject random faults into P of the requests (0 to 1)
  --fault-seed N          seed of the random faults (default 1)
  --json                  print {"url","storageUrl"} as one JSON line
  -h, --help              show this help

Example:
  impactkit-sandbox --port 4010 --time-scale 60 --account IRDEMO:demo-token
`;

function fail(message: string): never {
  process.stderr.write(`impactkit-sandbox: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function number(name: string, value: string | undefined, check: (value: number) => boolean): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || !check(parsed)) fail(`--${name} takes a number, got ${JSON.stringify(value)}`);
  return parsed;
}

function account(value: string): SandboxAccount {
  const colon = value.indexOf(":");
  if (colon <= 0 || colon === value.length - 1) fail("--account takes SID:TOKEN");
  return { accountSid: value.slice(0, colon), authToken: value.slice(colon + 1) };
}

let parsed: ReturnType<typeof parse>;
function parse() {
  return parseArgs({
    options: {
      port: { type: "string" },
      "storage-port": { type: "string" },
      account: { type: "string", multiple: true },
      "time-scale": { type: "string" },
      start: { type: "string" },
      "job-ms": { type: "string" },
      rows: { type: "string" },
      "rate-limit": { type: "string" },
      "any-report": { type: "boolean" },
      "fault-probability": { type: "string" },
      "fault-seed": { type: "string" },
      json: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
}
try {
  parsed = parse();
} catch (error) {
  fail((error as Error).message);
}
const { values } = parsed;
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const port = (name: string, value: string | undefined) => number(name, value, (n) => Number.isInteger(n) && n >= 0 && n < 65536);
const jobMs = number("job-ms", values["job-ms"], (n) => n >= 0);
const rows = number("rows", values.rows, (n) => Number.isInteger(n) && n >= 0);
const perHour = number("rate-limit", values["rate-limit"], (n) => Number.isInteger(n) && n > 0);
const timeScale = number("time-scale", values["time-scale"], (n) => n > 0);
const start = values.start === undefined || values.start === "now" ? Date.now() : Date.parse(values.start);
if (
  !Number.isFinite(start) ||
  (values.start !== undefined && values.start !== "now" && !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(values.start))
) {
  fail(`--start takes an ISO 8601 date and time with its offset (such as 2026-11-25T12:00:00Z) or now, got ${JSON.stringify(values.start)}`);
}
const probability = number("fault-probability", values["fault-probability"], (n) => n >= 0 && n <= 1);
const accounts = values.account?.map(account);
const options: SandboxOptions = {
  port: port("port", values.port) ?? 4010,
  storagePort: port("storage-port", values["storage-port"]) ?? 0,
  ...(accounts ? { accounts } : {}),
  clock: { timeScale: timeScale ?? 1, start },
  job: { ...(jobMs !== undefined ? { runMs: jobMs } : {}), ...(rows !== undefined ? { rows } : {}) },
  ...(perHour ? { rateLimit: { perHour } } : {}),
  ...(values["any-report"] ? { reports: "any" as const } : {}),
  ...(probability
    ? {
        faults: {
          probability,
          seed: number("fault-seed", values["fault-seed"], Number.isInteger) ?? 1,
          faults: [
            { kind: "status", status: 503 },
            { kind: "rate-limit", retryAfterSeconds: 1 },
            { kind: "reset" },
            { kind: "truncate" },
            { kind: "expired-url" },
          ],
        },
      }
    : {}),
};

const sandbox = await startSandbox(options).catch((error: Error) => fail(error.message));
if (values.json) process.stdout.write(`${JSON.stringify({ url: sandbox.url, storageUrl: sandbox.storageUrl })}\n`);
else {
  const who = accounts ? accounts.map((entry) => entry.accountSid).join(", ") : `${DEFAULT_ACCOUNT.accountSid} (token ${DEFAULT_ACCOUNT.authToken})`;
  process.stdout.write(`impactkit sandbox\n  API      ${sandbox.url}\n  storage  ${sandbox.storageUrl}\n  accounts ${who}\nCtrl-C stops it.\n`);
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void sandbox.close().then(() => process.exit(0));
  });
}
