import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { connect } from "node:net";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { afterEach, describe, expect, it } from "vitest";
import * as z from "zod";
import { bearerTokenProblem, type HttpServing, serveHttp } from "./http.js";

/** How many `hang` calls were aborted (their server closed). */
let aborts = 0;

/** A server with one tool, `echo`, and one that answers only once its request is aborted, `hang`. */
function trivialServer(): McpServer {
  const server = new McpServer({ name: "trivial", version: "1.0.0" });
  server.registerTool("echo", { description: "says the text back", inputSchema: { text: z.string() } }, ({ text }) => ({
    content: [{ type: "text", text: `echo: ${text}` }],
  }));
  server.registerTool(
    "hang",
    { description: "answers when aborted" },
    (extra) =>
      new Promise((resolve) =>
        extra.signal.addEventListener(
          "abort",
          () => {
            aborts += 1;
            resolve({ content: [{ type: "text", text: "aborted" }] });
          },
          { once: true },
        ),
      ),
  );
  return server;
}

const servings: HttpServing[] = [];
afterEach(async () => {
  for (const serving of servings.splice(0)) await serving.close();
});

/** Serves `trivialServer`s, counting how many were made. */
async function serve(options: { token?: string } = {}): Promise<HttpServing & { made: () => number }> {
  let made = 0;
  const serving = await serveHttp(
    () => {
      made += 1;
      return trivialServer();
    },
    { port: 0, ...options },
  );
  servings.push(serving);
  return { ...serving, made: () => made };
}

/** An SDK client connected to `url` with `headers` on every request. */
async function client(url: string, headers: Record<string, string>): Promise<Client> {
  const connected = new Client({ name: "test", version: "1.0.0" });
  await connected.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
  return connected;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with exactly `headers` (node:http lets a test set `Host`, which fetch does not). */
function raw(url: string, options: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const sent = httpRequest(url, { method: options.method ?? "POST", headers: options.headers ?? {} }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    sent.on("error", reject);
    sent.end(options.body);
  });
}

const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1.0.0" } },
});
const JSON_HEADERS = { "Content-Type": "application/json", Accept: "application/json, text/event-stream" };

/** Whether a TCP connection to `host`:`port` is refused. */
function refused(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, host);
    socket.once("connect", () => (socket.destroy(), resolve(false)));
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code === "ECONNREFUSED"));
  });
}

describe("serveHttp", () => {
  it("answers an SDK client that sends the bearer token: tools listed and called, a new server per request", async () => {
    const serving = await serve();
    expect(serving.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const connected = await client(serving.url, { Authorization: `Bearer ${serving.token}` });
    const { tools } = await connected.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(["echo", "hang"]);
    const result = await connected.callTool({ name: "echo", arguments: { text: "hello" } });
    expect(result.content).toEqual([{ type: "text", text: "echo: hello" }]);
    // initialize, notifications/initialized, tools/list, tools/call: each POST its own server, stateless.
    expect(serving.made()).toBe(4);
    await connected.close();
  });

  it("takes the token it is given, and the scheme's name in any case (RFC 6750)", async () => {
    const serving = await serve({ token: "a-fixed-token.of~this+kind/long-enough=" });
    expect(serving.token).toBe("a-fixed-token.of~this+kind/long-enough=");
    const answer = await raw(serving.url, { headers: { ...JSON_HEADERS, Authorization: "bearer a-fixed-token.of~this+kind/long-enough=" }, body: INITIALIZE });
    expect(answer.status).toBe(200);
    expect(answer.body).toContain('"serverInfo"');
  });

  it("refuses a token that a Bearer header cannot carry, or short enough to be guessed", async () => {
    await expect(serveHttp(trivialServer, { port: 0, token: "with space" })).rejects.toThrow("RFC 6750 b64token");
    await expect(serveHttp(trivialServer, { port: 0, token: "short-but-valid-b64token" })).rejects.toThrow("at least 32 characters");
    expect(bearerTokenProblem("x".repeat(32))).toBeUndefined();
  });

  it("answers 401 with a Bearer challenge without the token, and an invalid_token one with another token", async () => {
    const serving = await serve();
    const without = await raw(serving.url, { headers: JSON_HEADERS, body: INITIALIZE });
    expect(without.status).toBe(401);
    expect(without.headers["www-authenticate"]).toBe('Bearer realm="impactkit"');
    for (const authorization of [`Bearer ${serving.token}x`, `Basic ${serving.token}`, "Bearer", `Bearer ${serving.token.slice(1)}`]) {
      const wrong = await raw(serving.url, { headers: { ...JSON_HEADERS, Authorization: authorization }, body: INITIALIZE });
      expect(wrong.status).toBe(401);
      expect(wrong.headers["www-authenticate"]).toBe('Bearer realm="impactkit", error="invalid_token"');
      expect(wrong.body).not.toContain(serving.token);
    }
    await expect(client(serving.url, {})).rejects.toThrow(/401|Unauthorized/);
    await expect(client(serving.url, { Authorization: "Bearer not-the-token" })).rejects.toThrow(/401|Unauthorized/);
    expect(serving.made()).toBe(0);
  });

  it("answers 403 to a foreign Origin or Host (DNS rebinding), with the right token", async () => {
    const serving = await serve();
    const port = new URL(serving.url).port;
    const authorized = { ...JSON_HEADERS, Authorization: `Bearer ${serving.token}` };
    for (const origin of ["http://evil.example", `http://evil.example:${port}`, "null", "file://"]) {
      const answer = await raw(serving.url, { headers: { ...authorized, Origin: origin }, body: INITIALIZE });
      expect(answer.status).toBe(403);
    }
    const rebound = await raw(serving.url, { headers: { ...authorized, Host: `evil.example:${port}` }, body: INITIALIZE });
    expect(rebound.status).toBe(403);
    expect(serving.made()).toBe(0);
    await expect(client(serving.url, { ...authorized, Origin: "https://evil.example" })).rejects.toThrow(/403|Forbidden/);
    // A page of the loopback interface, and the names of that interface, are welcome.
    for (const origin of [`http://localhost:${port}`, "http://127.0.0.1:6274"]) {
      const answer = await raw(serving.url, { headers: { ...authorized, Origin: origin }, body: INITIALIZE });
      expect(answer.status).toBe(200);
    }
    const byName = await raw(serving.url, { headers: { ...authorized, Host: `localhost:${port}` }, body: INITIALIZE });
    expect(byName.status).toBe(200);
  });

  it("is bound to 127.0.0.1 alone by default", async () => {
    const serving = await serve();
    const url = new URL(serving.url);
    expect(url.hostname).toBe("127.0.0.1");
    expect(url.pathname).toBe("/mcp");
    expect(await refused("127.0.0.1", Number(url.port))).toBe(false);
    // Another loopback address and the IPv6 one are other addresses: nothing listens there.
    expect(await refused("127.0.0.2", Number(url.port))).toBe(true);
    expect(await refused("::1", Number(url.port))).toBe(true);
  });

  it("answers 405 to GET and DELETE, 404 elsewhere than /mcp, 413 to a body over 4 MiB, 400 to one that is not JSON", async () => {
    const serving = await serve();
    const authorization = { Authorization: `Bearer ${serving.token}` };
    for (const method of ["GET", "DELETE"]) {
      const answer = await raw(serving.url, { method, headers: { ...authorization, Accept: "text/event-stream" } });
      expect(answer.status).toBe(405);
      expect(answer.headers.allow).toBe("POST");
    }
    const elsewhere = await raw(new URL("/other", serving.url).href, { headers: { ...JSON_HEADERS, ...authorization }, body: INITIALIZE });
    expect(elsewhere.status).toBe(404);
    const large = await raw(serving.url, { headers: { ...JSON_HEADERS, ...authorization }, body: Buffer.alloc(4 * 1024 * 1024 + 1, " ") });
    expect(large.status).toBe(413);
    const notJson = await raw(serving.url, { headers: { ...JSON_HEADERS, ...authorization }, body: "{" });
    expect(notJson.status).toBe(400);
    expect(JSON.parse(notJson.body)).toMatchObject({ error: { code: -32700 } });
    expect(serving.made()).toBe(0);
  });

  it("closes cleanly: the call in flight is aborted, its server closed, and the port no longer answers", async () => {
    const serving = await serve();
    servings.splice(servings.indexOf(serving), 1);
    const connected = await client(serving.url, { Authorization: `Bearer ${serving.token}` });
    const made = serving.made();
    const gaveUp = new AbortController();
    const call = connected.callTool({ name: "hang" }, undefined, { signal: gaveUp.signal }).catch((error: Error) => error);
    for (let attempt = 0; serving.made() === made; attempt += 1) {
      if (attempt > 400) throw new Error("the call never reached the server");
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const before = aborts;
    await serving.close();
    expect(aborts).toBe(before + 1);
    expect(await refused("127.0.0.1", Number(new URL(serving.url).port))).toBe(true);
    // The client is told nothing more on that stream (a server that goes away only closes its connections).
    gaveUp.abort(new Error("test over"));
    expect(await call).toBeInstanceOf(Error);
    await connected.close();
  });
});
