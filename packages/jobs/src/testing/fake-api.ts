import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";

/** The id of the job the helpers' answers describe. */
export const JOB_ID = "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f";

/** A request the server received: its method, path with query, and headers. */
export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
}

/**
 * Answers one request; `path` is the URL's path without its query and without the account's prefix
 * (`/Mediapartners/{AccountSID}`, `/Agencies/{AccountSID}`, `/Advertisers/{AccountSID}`).
 */
export type Route = (request: IncomingMessage, response: ServerResponse, path: string) => void;

/** A running stand-in server, as `startFakeApi` resolves it: its origin, the requests it saw, and how to stop it. */
export interface FakeApi {
  /** The origin, for a client's `baseUrl` or `IMPACT_BASE_URL`. */
  url: string;
  /** Every request it received, in order. */
  seen: SeenRequest[];
  /** Ends every connection, then the server. */
  close(): Promise<void>;
}

const ACCOUNT_PREFIX = /^\/(?:Mediapartners|Agencies|Advertisers)\/[^/]+/;

/**
 * A stand-in for api.impact.com (or its storage, or a proxy's far side) on 127.0.0.1 that does whatever
 * `route` does — stall after the headers, redirect elsewhere, change the object, send gzip, echo a
 * credential — to test a guarantee against a peer that misbehaves as real APIs and storage services do.
 */
export async function startFakeApi(route: Route): Promise<FakeApi> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((request, response) => {
    seen.push({ method: request.method ?? "", path: request.url ?? "", headers: request.headers });
    route(request, response, new URL(request.url ?? "/", "http://127.0.0.1").pathname.replace(ACCOUNT_PREFIX, ""));
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/**
 * A Job (https://integrations.impact.com/impact-brand/reference/jobs-object) as the API sends it, in
 * `status`, with `fields` over its defaults.
 */
export function jobBody(status: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return { Id: JOB_ID, Status: status, Type: "ApiReport", PercentageComplete: status === "COMPLETED" ? "100" : "50", RecordsProcessed: "10", ...fields };
}

/** Answers `body` as JSON with `status`: a string as it is (valid JSON or not), anything else serialised. */
export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** Bytes of a deterministic result of `size` bytes, different per `version`. */
export function resultBytes(size: number, version = 1): Buffer {
  const line = Buffer.from(`v${version},0123456789abcdefghijklmnopqrstuvwxyz\n`);
  return Buffer.concat(Array.from({ length: Math.ceil(size / line.length) }, () => line)).subarray(0, size);
}
