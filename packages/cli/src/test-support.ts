import { spawn, type ChildProcess } from "node:child_process";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { machineEnv } from "@impactkit/testing";

export const BIN: string = join(import.meta.dirname, "..", "dist", "bin.js");

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts the real `impactkit` binary. */
export function start(args: readonly string[], env: Record<string, string>): { child: ChildProcess; done: Promise<Run>; output: () => string } {
  const child = spawn(process.execPath, [BIN, ...args], { env: { ...machineEnv(), ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return { child, done, output: () => stdout + stderr };
}

/** The lines of stderr that are impactkit's own messages (`impactkit: …`), without the progress that goes there too. */
export function messages(stderr: string): string {
  return stderr
    .split("\n")
    .filter((line) => line.startsWith("impactkit: "))
    .map((line) => `${line}\n`)
    .join("");
}

/** Runs the real `impactkit` binary to its end. */
export function impactkit(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return start(args, env).done;
}

/**
 * Waits until `check()` holds, looking every 25 ms, up to `attempts` times; then fails naming `what`.
 * A bound on waiting for an event, not a duration under test.
 */
export async function until(check: () => boolean, what: string, attempts = 400): Promise<void> {
  for (let attempt = 0; !check(); attempt += 1) {
    if (attempt >= attempts) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A request the fake API received. */
export interface Received {
  method: string;
  path: string;
}

/** Answers one request of the fake API; `path` is the URL's path, with any Partner API prefix removed. */
export type Route = (request: IncomingMessage, response: ServerResponse, path: string) => void;

export interface FakeApi {
  /** The origin, for IMPACT_BASE_URL. */
  url: string;
  received: Received[];
  close(): Promise<void>;
}

/** The prefix of every Partner API v15 path: `/Mediapartners/{AccountSID}`. */
const PARTNER_PREFIX = /^\/Mediapartners\/[^/]+/;

/**
 * A stand-in for api.impact.com (and its storage) on 127.0.0.1, as hostile as `route` makes it: every
 * request is recorded, then answered by `route`.
 */
export async function startFakeApi(route: Route): Promise<FakeApi> {
  const received: Received[] = [];
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? "/", "http://127.0.0.1").pathname;
    received.push({ method: request.method ?? "", path });
    route(request, response, path.replace(PARTNER_PREFIX, ""));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers `body` as JSON with `status`. */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) });
  response.end(text);
}

/** A Jobs object (https://integrations.impact.com/impact-brand/reference/jobs-object) with `fields` over its defaults. */
export function jobBody(id: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { Id: id, Type: "ApiReport", Status: "RUNNING", PercentageComplete: "40", RecordsProcessed: "400", CreatedDate: "2026-11-24T10:00:00Z", Replayable: "true", ...fields };
}
