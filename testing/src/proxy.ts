import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { connect, type Socket } from "node:net";

export interface ProxyRequest {
  /** `CONNECT` (a tunnel, for https targets) or the forwarded method (absolute-form, for http targets). */
  method: string;
  /** `host:port` of a tunnel, or the absolute URL of a forwarded request. */
  target: string;
  /** The `Proxy-Authorization` it carried, if any. */
  authorization: string | undefined;
}

export interface TestProxy {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  /** Every request it received, in order. */
  seen: ProxyRequest[];
  close(): Promise<void>;
}

export interface TestProxyOptions {
  /**
   * Where names go (`"storage.test:443": "127.0.0.1:40123"`): hosts that resolve nowhere else, so that a
   * request can reach them only through this proxy. Other targets are connected to as they are named.
   */
  hosts?: Record<string, string>;
  /** `user:password` it requires as Basic `Proxy-Authorization`; a request without it gets 407. */
  credentials?: string;
}

/**
 * A real HTTP proxy on 127.0.0.1, as corporate networks run them: `CONNECT` tunnels (RFC 9110 §9.3.6) for
 * https targets and absolute-form forwarding (RFC 9112 §3.2.2) for http ones, optionally behind Basic
 * credentials, recording what it was asked. A target it cannot reach gets 502.
 */
export async function startProxy(options: TestProxyOptions = {}): Promise<TestProxy> {
  const seen: ProxyRequest[] = [];
  const sockets = new Set<Socket>();
  const expected = options.credentials === undefined ? undefined : `Basic ${Buffer.from(options.credentials).toString("base64")}`;
  const route = (hostPort: string) => {
    const [host, port] = (options.hosts?.[hostPort] ?? hostPort).split(/:(?=\d+$)/);
    return { host: host!.replace(/^\[(.*)\]$/, "$1"), port: Number(port) };
  };
  const admitted = (request: IncomingMessage, method: string, target: string) => {
    const authorization = request.headers["proxy-authorization"];
    seen.push({ method, target, authorization });
    return expected === undefined || authorization === expected;
  };
  const server: Server = createServer((request, response) => {
    const target = request.url ?? "";
    if (!admitted(request, request.method ?? "", target)) {
      response.writeHead(407, { "Proxy-Authenticate": 'Basic realm="test"', "Content-Length": 0 });
      return response.end();
    }
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      response.writeHead(400, { "Content-Length": 0 });
      return response.end();
    }
    const { host, port } = route(`${url.hostname}:${url.port || 80}`);
    const headers = { ...request.headers };
    delete headers["proxy-authorization"];
    delete headers["proxy-connection"];
    const upstream = httpRequest({ host, port, method: request.method, path: `${url.pathname}${url.search}`, headers }, (answer) => {
      response.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(response);
    });
    upstream.on("error", () => {
      if (!response.headersSent) response.writeHead(502, { "Content-Length": 0 });
      response.end();
    });
    request.pipe(upstream);
  });
  server.on("connect", (request: IncomingMessage, client: Socket, head: Buffer) => {
    sockets.add(client);
    client.once("close", () => sockets.delete(client));
    client.on("error", () => undefined);
    const target = request.url ?? "";
    if (!admitted(request, "CONNECT", target))
      return client.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
    const upstream = connect(route(target), () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    sockets.add(upstream);
    upstream.once("close", () => sockets.delete(upstream));
    upstream.on("error", () => client.end("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n"));
    client.once("close", () => upstream.destroy());
  });
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    seen,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
