import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";

/** Where `serveHttp` serves, and how to stop it. */
export interface HttpServing {
  /** The endpoint, `http://127.0.0.1:<port>/mcp`, with the port actually bound (also when 0 was asked for). */
  readonly url: string;
  /** The bearer token every request must carry (`Authorization: Bearer <token>`). */
  readonly token: string;
  /** Stops listening, ends the requests in flight and closes their servers. */
  close(): Promise<void>;
}

/** The one path the endpoint answers on. */
const PATH = "/mcp";
/** The largest request body read: a JSON-RPC message far larger than any tool's arguments. */
const MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Whether `hostname` (of a URL: lower-case, IPv6 in brackets) names the loopback interface. */
function isLoopbackName(hostname: string): boolean {
  return hostname === "localhost" || hostname === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(hostname);
}

/** The hostname of a `Host` header value (`name:port`, `[v6]:port`), lower-cased; undefined if it is not one. */
function hostnameOf(header: string): string | undefined {
  try {
    return new URL(`http://${header}`).hostname;
  } catch {
    return undefined;
  }
}

/** `token` as a fixed-length digest, so that comparing two of them takes the same time whatever their lengths. */
const digest = (token: string) => createHash("sha256").update(token).digest();

/** A token as `Authorization: Bearer` carries it: RFC 6750 §2.1's b64token. */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/** The shortest token `serveHttp` takes: 32 characters, as long as the 24 random bytes of base64 they may encode. */
const MIN_TOKEN_LENGTH = 32;

/**
 * What is wrong with `token` as the bearer token of `serveHttp`, or undefined when nothing is: it must be an
 * RFC 6750 §2.1 b64token (letters, digits, `-._~+/`, a trailing `=`) of at least 32 characters, long enough
 * not to be guessed.
 */
export function bearerTokenProblem(token: string): string | undefined {
  if (!B64TOKEN.test(token)) return "must be an RFC 6750 b64token (letters, digits, - . _ ~ + / and a trailing =)";
  return token.length < MIN_TOKEN_LENGTH ? `must be at least ${MIN_TOKEN_LENGTH} characters` : undefined;
}

/** The token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1; the scheme's name is case-insensitive); undefined otherwise. */
function bearerOf(header: string | undefined): string | undefined {
  const match = /^Bearer +(\S+) *$/i.exec(header ?? "");
  return match && B64TOKEN.test(match[1]!) ? match[1] : undefined;
}

/** Answers with a JSON-RPC error object and no id, as the transport answers the requests it refuses. */
function refuse(response: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, code = -32000): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { "Content-Type": "application/json", ...headers });
  response.end(JSON.stringify({ jsonrpc: "2.0", error: { code, message }, id: null }));
}

/**
 * The request's body, or "too large" once it passes `MAX_BODY_BYTES`: then the rest is not read (the answer
 * closes the connection).
 */
function readBody(request: IncomingMessage): Promise<Buffer | "too large"> {
  if (Number(request.headers["content-length"] ?? 0) > MAX_BODY_BYTES) return Promise.resolve("too large");
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    const onData = (chunk: Buffer) => {
      length += chunk.length;
      if (length <= MAX_BODY_BYTES) return void chunks.push(chunk);
      request.off("data", onData);
      request.pause();
      resolve("too large");
    };
    request.on("data", onData);
    request.once("end", () => resolve(Buffer.concat(chunks)));
    request.once("error", reject);
  });
}

/**
 * Serves MCP's Streamable HTTP transport (https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#streamable-http)
 * on `http://127.0.0.1:<port>/mcp`, stateless: each POST gets a server of its own from `createServer` and a transport
 * without sessions; GET (a stream the server would open) and DELETE (a session to end) are answered 405, which
 * the specification allows a server without them to do.
 *
 * Every request must carry `Authorization: Bearer <token>` (RFC 6750 §2.1), compared in constant time; without
 * it, or with another token, 401 with `WWW-Authenticate: Bearer` (RFC 6750 §3). Against DNS rebinding (the
 * specification's "Security Warning" for this transport), it listens on the loopback interface (127.0.0.1) alone
 * and answers only requests whose `Host` names that interface and whose `Origin`, if any, is a page of it (403
 * otherwise). Bodies larger than 4 MiB are refused with 413. Nothing is logged: the token is never
 * written anywhere.
 *
 * @param createServer makes the server that answers one request (the tools it offers, the accounts they act for).
 * @param options `port` (0 for any free one) and `token` (default 32 random bytes, base64url).
 */
export async function serveHttp(createServer: () => McpServer, options: { port: number; token?: string }): Promise<HttpServing> {
  const host = "127.0.0.1";
  const token = options.token ?? randomBytes(32).toString("base64url");
  const problem = bearerTokenProblem(token);
  if (problem) throw new Error(`serveHttp: the token ${problem}`);
  const expected = digest(token);
  /** The servers answering requests now, closed by `close()`. */
  const open = new Set<McpServer>();

  /** Why the request's `Host` or `Origin` is refused (403), or undefined when both are fine. */
  const foreign = (request: IncomingMessage): string | undefined => {
    const hostname = hostnameOf(request.headers.host ?? "");
    if (hostname === undefined || !isLoopbackName(hostname)) return "Forbidden: the Host header does not name this server";
    const origin = request.headers.origin;
    if (origin === undefined) return undefined;
    let page: URL;
    try {
      page = new URL(origin);
    } catch {
      return "Forbidden: the Origin header is not an origin";
    }
    const web = page.protocol === "http:" || page.protocol === "https:";
    return web && isLoopbackName(page.hostname) ? undefined : "Forbidden: requests from this origin are not accepted";
  };

  const answer = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const path = new URL(request.url ?? "/", "http://localhost").pathname;
    if (path !== PATH) return refuse(response, 404, `Not Found: the endpoint is ${PATH}`);
    const forbidden = foreign(request);
    if (forbidden) return refuse(response, 403, forbidden);
    const header = request.headers.authorization;
    const given = bearerOf(header);
    if (given === undefined || !timingSafeEqual(digest(given), expected)) {
      // RFC 6750 §3: no credentials get the bare challenge; wrong ones are an invalid_token (§3.1).
      const challenge = header === undefined ? 'Bearer realm="impactkit"' : 'Bearer realm="impactkit", error="invalid_token"';
      return refuse(response, 401, "Unauthorized: send Authorization: Bearer <token>", { "WWW-Authenticate": challenge });
    }
    if (request.method !== "POST") return refuse(response, 405, "Method Not Allowed: this stateless server takes POST only", { Allow: "POST" });
    const body = await readBody(request);
    if (body === "too large") {
      return refuse(response, 413, `Payload Too Large: at most ${MAX_BODY_BYTES} bytes`, { Connection: "close" });
    }
    let message: unknown;
    try {
      message = JSON.parse(body.toString("utf8"));
    } catch {
      return refuse(response, 400, "Parse error: Invalid JSON", {}, -32700);
    }
    const server = createServer();
    open.add(server);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    response.on("close", () => {
      open.delete(server);
      void transport.close().catch(() => {});
      void server.close().catch(() => {});
    });
    await server.connect(transport);
    await transport.handleRequest(request, response, message);
  };

  const http = createHttpServer((request, response) => {
    answer(request, response).catch(() => refuse(response, 500, "Internal Server Error"));
  });
  await new Promise<void>((resolve, reject) => {
    http.once("error", reject);
    http.listen(options.port, host, () => {
      http.off("error", reject);
      resolve();
    });
  });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://${host}:${port}${PATH}`,
    token,
    close: async () => {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await Promise.all([...open].map((server) => server.close().catch(() => {})));
      await closed;
    },
  };
}
