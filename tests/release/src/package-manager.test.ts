import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testCertificate } from "@impactkit/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRegistry, describeFailure, packageManager, shellEnv, shellPath } from "./package-manager.js";

let dir: string;
const servers: Server[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "impactkit-pm-"));
});
afterAll(async () => {
  for (const server of servers) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
  rmSync(dir, { recursive: true, force: true });
});

async function listen(server: Server, scheme: "http" | "https"): Promise<string> {
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

/** A registry whose certificate no CA on this machine signed: what npm sees behind a proxy whose CA it lacks. */
async function untrustedRegistry(): Promise<string> {
  const server = createHttpsServer(await testCertificate("127.0.0.1"), (_request, response) => response.end("{}"));
  return listen(server, "https");
}

/** An isolated npm: no user or global npmrc, its own cache, the registry given. */
const npmEnv = (registry: string): NodeJS.ProcessEnv => ({
  ...process.env,
  npm_config_registry: registry,
  npm_config_userconfig: join(dir, "no-user-npmrc"),
  npm_config_globalconfig: join(dir, "no-global-npmrc"),
  npm_config_cache: join(dir, "cache"),
});

describe("package-manager calls in tests", () => {
  it("run with the user's shell PATH and keep every CA, proxy and npm_config_ variable", () => {
    const env = shellEnv({
      PATH: ["/repo/node_modules/.bin", "/usr/local/bin", "/repo/packages/x/node_modules/.bin", "/usr/bin"].join(":"),
      NODE_EXTRA_CA_CERTS: "/ca.pem",
      HTTPS_PROXY: "http://proxy:3128",
      npm_config_cafile: "/ca.pem",
    });
    expect(env).toEqual({ PATH: "/usr/local/bin:/usr/bin", NODE_EXTRA_CA_CERTS: "/ca.pem", HTTPS_PROXY: "http://proxy:3128", npm_config_cafile: "/ca.pem" });
    expect(shellPath({})).toBe("");
  });

  it("fail with one line naming the cause when the registry's certificate is not trusted", async () => {
    const registry = await untrustedRegistry();
    const env = npmEnv(registry);
    delete env["NODE_EXTRA_CA_CERTS"];
    const failure = await checkRegistry(dir, env).then(
      () => "resolved",
      (error: Error) => error.message,
    );
    expect(failure).toMatch(
      /^npm could not reach the registry at https:\/\/127\.0\.0\.1:\d+: [A-Z_]*(SELF_SIGNED|CERT)[A-Z_]* — is NODE_EXTRA_CA_CERTS .* passed through\?$/,
    );
  });

  it("kill a package manager that hangs on a registry that never answers, within the bound", async () => {
    const server = createHttpServer(() => undefined);
    const registry = await listen(server, "http");
    const failure = await packageManager("npm", ["ping", "--fetch-retries=0", "--fetch-timeout=600000"], {
      cwd: dir,
      env: npmEnv(registry),
      timeoutMs: 3_000,
    }).then(
      () => "resolved",
      (error: Error) => error.message,
    );
    expect(failure).toMatch(/^npm ping did not finish in 3 s and was killed with its process group; last output: /);
    expect(failure).not.toContain("\n");
  });

  it("name the error code and the last line of any other failure", () => {
    expect(describeFailure("npm", "install", "npm error code ETARGET\nnpm error notarget No matching version found for nope@9.\n")).toBe(
      "npm install failed (ETARGET): npm error notarget No matching version found for nope@9.",
    );
    expect(describeFailure("pnpm", "install", " ERR_PNPM_FETCH_404  GET https://registry/x: Not Found - 404")).toBe(
      "pnpm install failed (ERR_PNPM_FETCH_404): ERR_PNPM_FETCH_404  GET https://registry/x: Not Found - 404",
    );
    expect(
      describeFailure("npm", "install", "npm error code ENOTFOUND\nnpm error request to https://registry.example/x failed, reason: getaddrinfo ENOTFOUND"),
    ).toBe("npm could not reach the registry at https://registry.example: ENOTFOUND — the registry's host does not resolve: is HTTPS_PROXY passed through?");
  });
});
