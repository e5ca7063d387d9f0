import * as tls from "node:tls";
import { inspect } from "node:util";
import { rawServer, startProxy, testCertificate, type RawServer, type TestProxy } from "@impactkit/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ImpactConfigError } from "../errors.js";
import { describeNetworkFailure } from "./network-failure.js";
import { createTransport } from "./node-transport.js";

const trust = tls as unknown as { getCACertificates(kind: "default"): string[]; setDefaultCACertificates(certificates: string[]): void };
const PROXY_VARIABLES = ["HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY", "https_proxy", "http_proxy", "no_proxy"];
let trusted: string[];
let storage: RawServer;
let api: RawServer;
let closing: Array<{ close(): Promise<void> }> = [];
const saved = Object.fromEntries(PROXY_VARIABLES.map((name) => [name, process.env[name]]));

beforeAll(async () => {
  trusted = trust.getCACertificates("default");
  // Names that resolve nowhere: a request reaches them only through a proxy that knows where they are.
  const certificate = await testCertificate("storage.test");
  trust.setDefaultCACertificates([...trusted, certificate.cert]);
  storage = await rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 7\r\n\r\nstorage"), certificate);
  api = await rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\napi"));
});
afterEach(async () => {
  await Promise.all(closing.map((server) => server.close()));
  closing = [];
  for (const name of PROXY_VARIABLES) {
    if (saved[name] === undefined) delete process.env[name];
    else process.env[name] = saved[name];
  }
});
afterAll(async () => {
  trust.setDefaultCACertificates(trusted);
  await Promise.all([storage.close(), api.close()]);
});

async function proxy(options: Parameters<typeof startProxy>[0] = {}): Promise<TestProxy> {
  const started = await startProxy({
    hosts: { "storage.test:443": `127.0.0.1:${new URL(storage.url).port}`, "api.test:80": `127.0.0.1:${new URL(api.url).port}` },
    ...options,
  });
  closing.push(started);
  return started;
}

const text = async (response: Promise<Response>) => (await response).text();
const failureOf = async (response: Promise<Response>) =>
  inspect(
    await response.then(
      () => undefined,
      (error: unknown) => error,
    ),
    { depth: 5 },
  );

describe("createTransport: proxies, as curl, gh and the AWS CLI take them", () => {
  it("tunnels an https request through the proxy's CONNECT, and forwards an http one in absolute form", async () => {
    const through = await proxy();
    const transport = createTransport({ proxy: through.url });
    expect(await text(transport.fetch("https://storage.test/result.csv?X-Signature=s3cr3t"))).toBe("storage");
    expect(await text(transport.fetch("http://api.test/Mediapartners/IR1/Jobs"))).toBe("api");
    expect(through.seen.map(({ method, target }) => `${method} ${target}`)).toEqual(["CONNECT storage.test:443", "GET http://api.test/Mediapartners/IR1/Jobs"]);
  });

  it("takes HTTPS_PROXY and HTTP_PROXY from the environment by default, in either case", async () => {
    const secure = await proxy();
    const plain = await proxy();
    process.env["https_proxy"] = secure.url;
    process.env["HTTP_PROXY"] = plain.url;
    const transport = createTransport({ connectTimeoutMs: 5_000 });
    expect(await text(transport.fetch("https://storage.test/r.csv"))).toBe("storage");
    expect(await text(transport.fetch("http://api.test/Jobs"))).toBe("api");
    expect(secure.seen.map((request) => request.target)).toEqual(["storage.test:443"]);
    expect(plain.seen.map((request) => request.target)).toEqual(["http://api.test/Jobs"]);
  });

  it("reads a proxy given as host:port as an http proxy, as curl does, from the option and the environment alike", async () => {
    const bare = await proxy();
    expect(await text(createTransport({ proxy: new URL(bare.url).host }).fetch("http://api.test/Jobs"))).toBe("api");
    process.env["HTTPS_PROXY"] = new URL(bare.url).host;
    expect(await text(createTransport({ connectTimeoutMs: 5_000 }).fetch("https://storage.test/r.csv"))).toBe("storage");
    expect(bare.seen.map((request) => request.target)).toEqual(["http://api.test/Jobs", "storage.test:443"]);
  });

  it("refuses a proxy variable that is not a proxy URL, naming the variable", () => {
    process.env["https_proxy"] = "ftp://user:pr0xy-Secret@proxy.example:21";
    expect(() => createTransport({ connectTimeoutMs: 5_000 })).toThrow(
      new ImpactConfigError("https_proxy", "https_proxy must be an http, https or socks5 URL such as http://proxy.example:3128, got ftp://proxy.example"),
    );
  });

  it("reaches the hosts NO_PROXY names directly, and none through the proxy with proxy: false", async () => {
    const bypassed = await proxy();
    process.env["HTTP_PROXY"] = bypassed.url;
    process.env["NO_PROXY"] = "localhost,127.0.0.1";
    expect(await text(createTransport({ connectTimeoutMs: 5_000 }).fetch(`${api.url}/Jobs`))).toBe("api");
    delete process.env["NO_PROXY"];
    expect(await text(createTransport({ proxy: false }).fetch(`${api.url}/Jobs`))).toBe("api");
    expect(bypassed.seen).toEqual([]);
  });

  it("sends the proxy URL's credentials as Proxy-Authorization, and never shows them", async () => {
    const guarded = await proxy({ credentials: "corp-user:pr0xy-Secret" });
    const transport = createTransport({ proxy: `http://corp-user:pr0xy-Secret@${new URL(guarded.url).host}` });
    expect(await text(transport.fetch("https://storage.test/r.csv"))).toBe("storage");
    expect(await text(transport.fetch("http://api.test/Jobs"))).toBe("api");
    expect(guarded.seen.map((request) => request.authorization)).toEqual([
      `Basic ${Buffer.from("corp-user:pr0xy-Secret").toString("base64")}`,
      `Basic ${Buffer.from("corp-user:pr0xy-Secret").toString("base64")}`,
    ]);
  });

  it("fails a request the proxy refuses with 407, for a tunnel and a forwarded request alike, without crashing", async () => {
    const guarded = await proxy({ credentials: "corp-user:pr0xy-Secret" });
    const transport = createTransport({ proxy: `http://corp-user:wrong-Secret@${new URL(guarded.url).host}` });
    const tunnel = await failureOf(transport.fetch("https://storage.test/r.csv"));
    const forwarded = await failureOf(transport.fetch("http://api.test/Jobs"));
    const refused = await transport.fetch("https://storage.test/r.csv").catch((error: unknown) => error);
    expect(describeNetworkFailure(refused)).toEqual({
      kind: "proxy",
      transient: false,
      code: "UND_ERR_ABORTED",
      detail: "the proxy answered HTTP 407 (it needs credentials, or refused the ones given)",
      proxy: guarded.url,
    });
    expect(tunnel).toMatch(/fetch failed[^]*407/);
    expect(forwarded).toMatch(/fetch failed[^]*407/);
    for (const shown of [tunnel, forwarded]) expect(shown).not.toMatch(/wrong-Secret|d3JvbmctU2VjcmV0|corp-user/);
  });

  it("fails with the connection's cause when the proxy cannot be reached", async () => {
    const gone = await rawServer(() => undefined);
    const { port } = new URL(gone.url);
    await gone.close();
    const transport = createTransport({ proxy: `http://user:pr0xy-Secret@127.0.0.1:${port}` });
    const shown = await failureOf(transport.fetch("https://storage.test/r.csv"));
    expect(shown).toMatch(/fetch failed[^]*ECONNREFUSED/);
    expect(shown).not.toMatch(/pr0xy-Secret/);
    const failure = describeNetworkFailure(await transport.fetch("http://api.test/Jobs").catch((error: unknown) => error));
    expect(failure).toMatchObject({ kind: "connect", transient: true, code: "ECONNREFUSED", proxy: `http://127.0.0.1:${port}` });
    // Reached directly, the same refusal is the target's.
    expect(
      describeNetworkFailure(
        await createTransport({ proxy: false })
          .fetch(`http://127.0.0.1:${port}/`)
          .catch((error: unknown) => error),
      ),
    ).toMatchObject({ kind: "connect", proxy: undefined });
  });

  it.each([
    [
      "a URL of another scheme",
      "ftp://user:pr0xy-Secret@proxy.example:21",
      "proxy must be an http, https or socks5 URL such as http://proxy.example:3128, got ftp://proxy.example",
    ],
    [
      "text that is not a URL",
      "proxy.example:3128 with pr0xy-Secret",
      "proxy must be an http, https or socks5 URL such as http://proxy.example:3128; the value given is not a URL",
    ],
    ["a URL of no host", "http://:3128", "proxy must be an http, https or socks5 URL such as http://proxy.example:3128; the value given is not a URL"],
  ])("refuses %s as the proxy, naming the option and not its credentials", (_case, value, message) => {
    const error = (() => {
      try {
        createTransport({ proxy: value });
      } catch (caught) {
        return caught as ImpactConfigError;
      }
      throw new Error("expected a refusal");
    })();
    expect(error).toBeInstanceOf(ImpactConfigError);
    expect([error.option, error.message]).toEqual(["proxy", message]);
  });

  it("refuses a connect timeout that cannot be met", () => {
    expect(() => createTransport({ connectTimeoutMs: 0 })).toThrow("connectTimeoutMs must be a number of milliseconds above 0, got 0");
  });
});
