import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { encode, errorReply } from "./reply.js";
import { transmit } from "./transmit.js";
import type { WireTimers } from "./wire-timers.js";

/** The plain `node:http` servers of a sandbox's origins, on 127.0.0.1. */

type Handler = (request: IncomingMessage, response: ServerResponse) => void;

/** A server whose handler's bugs answer 500 with the error envelope instead of taking the sandbox down. */
export function guardedServer(handle: Handler, timers: WireTimers): Server {
  return createServer((request, response) => {
    try {
      handle(request, response);
    } catch (error) {
      if (!response.headersSent) transmit(response, encode(errorReply(500, `Sandbox error: ${(error as Error).message}`), "json"), timers);
      else response.destroy();
    }
  });
}

/** Listens on 127.0.0.1 (`port` 0 picks a free one) and resolves to the server's origin. */
export function listen(server: Server, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

/** Stops a server and drops its connections, idle or in flight. */
export function stop(server: Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
