import { createServer, type Server, type Socket } from "node:net";
import { createServer as createTlsServer } from "node:tls";
import type { TestCertificate } from "./certificate.js";

export interface RawServer {
  /** `http://127.0.0.1:<port>` (or `https://localhost:<port>` with a certificate). */
  url: string;
  /** TCP connections accepted so far (a TLS one whose handshake failed included). */
  readonly connections: number;
  /** The first bytes of each request received (up to the end of its head), in order. */
  readonly requests: string[];
  /** Connections still open. */
  readonly open: number;
  close(): Promise<void>;
}

/**
 * A server that answers each request's head with whatever `answer` writes on the raw socket — malformed
 * framing, stalls, endless headers — to test a client against a peer no HTTP library would be. With a
 * certificate it speaks TLS (as `localhost`). `close` destroys every connection.
 */
export async function rawServer(answer: (socket: Socket, head: string) => void, certificate?: TestCertificate): Promise<RawServer> {
  const sockets = new Set<Socket>();
  const requests: string[] = [];
  let connections = 0;
  const onSocket = (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    let head = "";
    const onData = (chunk: Buffer) => {
      head += chunk.toString("latin1");
      const end = head.indexOf("\r\n\r\n");
      if (end === -1) return;
      socket.off("data", onData);
      requests.push(head.slice(0, end));
      answer(socket, head.slice(0, end));
    };
    socket.on("data", onData);
  };
  const server: Server = certificate ? createTlsServer({ ...certificate, ALPNProtocols: ["http/1.1"] }, onSocket) : createServer(onSocket);
  // Every TCP connection counts, a TLS one whose handshake fails too.
  server.on("connection", (socket: Socket) => {
    connections += 1;
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: certificate ? `https://localhost:${port}` : `http://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    requests,
    get open() {
      return sockets.size;
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
