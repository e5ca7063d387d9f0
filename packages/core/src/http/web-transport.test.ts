import { rawServer } from "@impactkit/testing";
import { describe, expect, it } from "vitest";
import { ImpactConfigError } from "../errors.js";
import { createTransport } from "./web-transport.js";

describe("createTransport where Node.js's modules are not", () => {
  it("fetches with the runtime's fetch", async () => {
    const server = await rawServer((socket) => socket.end("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
    try {
      expect(await (await createTransport().fetch(`${server.url}/x`)).text()).toBe("ok");
    } finally {
      await server.close();
    }
    expect(server.requests[0]).toMatch(/^GET \/x HTTP\/1\.1\r\n/);
  });

  it.each([
    [
      { proxy: "http://proxy.example:3128" },
      "proxy",
      "proxy is honoured on Node.js, Deno and Bun; in a browser or a worker the platform's proxy settings apply",
    ],
    [{ connectTimeoutMs: 5_000 }, "connectTimeoutMs", "connectTimeoutMs is honoured on Node.js, Deno and Bun; in a browser or a worker the platform sets it"],
  ])("refuses %j, which it could not honour", (options, option, message) => {
    expect(() => createTransport(options)).toThrow(new ImpactConfigError(option, message));
    expect(() => createTransport(options)).toThrow(expect.objectContaining({ option }));
  });
});
