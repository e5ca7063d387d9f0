import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { createClient, type Client } from "@impactkit/partner-v15";

export const HOSTILE_ACCOUNT = { accountSid: "IRHOSTILE0001", authToken: "hostile-token-7f3a" };
export const JOB_ID = "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f";

export interface SeenRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
}

export interface HostileServer {
  url: string;
  /** Every request it received, in order. */
  seen: SeenRequest[];
  close(): Promise<void>;
}

/**
 * A small HTTP server on 127.0.0.1 that does whatever the test's handler does — stall after the headers,
 * redirect elsewhere, change the object, send gzip, echo a credential — to test a guarantee against a
 * peer that misbehaves as real APIs, proxies and storage services do. `close` ends every connection.
 */
export async function hostileServer(handler: (request: IncomingMessage, response: ServerResponse, seen: SeenRequest[]) => void): Promise<HostileServer> {
  const seen: SeenRequest[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((request, response) => {
    seen.push({ method: request.method ?? "", path: request.url ?? "", headers: request.headers });
    handler(request, response, seen);
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
 * A partner client of the hostile account, pointed at `url`, with a custom header that must stay at the
 * API; with `fetch`, every call (a `Mode=Stream` Download included) goes through it.
 */
export function hostileClient(url: string, fetch?: (request: Request) => Promise<Response>): Client {
  return createClient({ ...HOSTILE_ACCOUNT, baseUrl: url, headers: { "X-Custom-Secret": "custom-9f2c" }, ...(fetch ? { fetch } : {}) });
}

/** A Job body as the partner API sends it. */
export function jobBody(status: string, extra: Record<string, string> = {}): string {
  return JSON.stringify({ Id: JOB_ID, Status: status, Type: "ApiReport", PercentageComplete: status === "COMPLETED" ? "100" : "50", RecordsProcessed: "10", ...extra });
}

export function sendJson(response: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), ...headers });
  response.end(body);
}

/** Bytes of a deterministic result of `size` bytes, different per `version`. */
export function resultBytes(size: number, version = 1): Buffer {
  const line = Buffer.from(`v${version},0123456789abcdefghijklmnopqrstuvwxyz\n`);
  return Buffer.concat(Array.from({ length: Math.ceil(size / line.length) }, () => line)).subarray(0, size);
}
