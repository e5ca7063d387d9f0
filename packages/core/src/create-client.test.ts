import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { ApiSpec } from "./api-spec.js";
import { ImpactConfigError } from "./errors.js";
import { AnswerTooLargeError, MAX_API_ANSWER_BYTES } from "./create-client.js";
import { createImpactClient } from "./node.js";

interface TestPaths {
  "/Jobs/{JobId}": {
    get: {
      parameters: { path: { JobId: string } };
      responses: {
        200: { headers: Record<string, unknown>; content: { "application/json": { Id: string } } };
        404: { headers: Record<string, unknown>; content: { "application/json": { Status: "ERROR"; Message: string } } };
      };
    };
  };
}

const spec: ApiSpec = {
  api: "partner",
  apiVersion: "15",
  title: "Test",
  sha256: "0".repeat(64),
  basePath: "/Mediapartners/{AccountSID}",
  traits: {
    rateLimitHeaders: { limit: "X-RateLimit-Limit-hour", remaining: "X-RateLimit-Remaining-hour", reset: "RateLimit-Reset" },
    reportParameter: "Id",
    requiredReportParams: [],
    clickExport: "account",
    earliestClickDate: null,
    refusalsAs200: false,
    listShape: "envelope",
    listDateFormat: "date",
    jobFields: ["Id", "Status"],
    unsetDates: "empty",
    reportParams: ["START_DATE", "END_DATE"],
    reportDiscovery: null,
    dailyExportLimits: null,
  },
};
const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
const server = createServer((request, response) => {
  seen.push({ url: request.url ?? "", headers: request.headers });
  const missing = request.url?.endsWith("/missing");
  response.writeHead(missing ? 404 : 200, { "Content-Type": "application/json" });
  response.end(JSON.stringify(missing ? { Status: "ERROR", Message: "Job not found" } : { Id: "j1" }));
});
let baseUrl = "";

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

afterEach(() => {
  vi.unstubAllEnvs();
});

describe("createImpactClient", () => {
  it("sends its requests to IMPACT_BASE_URL when given no baseUrl, as the CLI does", async () => {
    vi.stubEnv("IMPACT_BASE_URL", `${baseUrl}/`);
    const client = createImpactClient<TestPaths>(spec, { accountSid: "IRenv", authToken: "tok" });
    expect(client.accountUrl).toBe(`${baseUrl}/Mediapartners/IRenv`);
    const { data } = await client.GET("/Jobs/{JobId}", { params: { path: { JobId: "j-env" } } });
    expect(data).toEqual({ Id: "j1" });
    expect(seen.at(-1)!.url).toBe("/Mediapartners/IRenv/Jobs/j-env");
  });

  it("sends its requests to its baseUrl whatever IMPACT_BASE_URL says", async () => {
    vi.stubEnv("IMPACT_BASE_URL", "http://127.0.0.1:9");
    const client = createImpactClient<TestPaths>(spec, { accountSid: "IRopt", authToken: "tok", baseUrl });
    await client.GET("/Jobs/{JobId}", { params: { path: { JobId: "j-opt" } } });
    expect(seen.at(-1)!.url).toBe("/Mediapartners/IRopt/Jobs/j-opt");
  });

  it("sends credentials, Accept and IR-Version on every request, and the caller's extra headers", async () => {
    const client = createImpactClient<TestPaths>(spec, {
      accountSid: "IRsid",
      authToken: "tok",
      baseUrl,
      headers: { "X-Trace": "t1", Accept: "application/xml" },
    });
    const { data } = await client.GET("/Jobs/{JobId}", { params: { path: { JobId: "j1" } } });
    expect(data).toEqual({ Id: "j1" });
    const { url, headers } = seen.at(-1)!;
    expect(url).toBe("/Mediapartners/IRsid/Jobs/j1");
    expect(headers.authorization).toBe(`Basic ${Buffer.from("IRsid:tok").toString("base64")}`);
    expect(headers["ir-version"]).toBe("15");
    expect(headers["x-trace"]).toBe("t1");
    expect(headers.accept).toBe("application/xml");
  });

  it("returns the API's error envelope as typed data", async () => {
    const client = createImpactClient<TestPaths>(spec, { accountSid: "IRsid", authToken: "tok", baseUrl });
    const { data, error, response } = await client.GET("/Jobs/{JobId}", { params: { path: { JobId: "missing" } } });
    expect(response.status).toBe(404);
    expect(data).toBeUndefined();
    expect(error).toEqual({ Status: "ERROR", Message: "Job not found" });
  });

  it("uses the fetch it is given", async () => {
    const requested: string[] = [];
    const client = createImpactClient<TestPaths>(spec, {
      accountSid: "IRsid",
      authToken: "tok",
      baseUrl,
      fetch: (request) => {
        requested.push(request.url);
        return fetch(request);
      },
    });
    await client.GET("/Jobs/{JobId}", { params: { path: { JobId: "j2" } } });
    expect(requested).toEqual([`${baseUrl}/Mediapartners/IRsid/Jobs/j2`]);
  });

  it("keeps the token out of the client's JSON and out of its errors", () => {
    const client = createImpactClient<TestPaths>(spec, { accountSid: "IRsid", authToken: "tok-SECRET", baseUrl });
    expect(JSON.stringify(client)).not.toContain("tok-SECRET");
    expect(JSON.stringify(client)).not.toContain(Buffer.from("IRsid:tok-SECRET").toString("base64"));
    const error = (() => {
      try {
        createImpactClient<TestPaths>(spec, { accountSid: "IRsid", authToken: " tok-SECRET ", baseUrl });
      } catch (caught) {
        return caught as ImpactConfigError;
      }
      throw new Error("expected an ImpactConfigError");
    })();
    expect(error).toBeInstanceOf(ImpactConfigError);
    expect(`${error.message} ${String(error)} ${JSON.stringify(error)}`).not.toContain("tok-SECRET");
  });

  it("bounds every answer but a Download's: an endless body fails the call in bounded memory, a large result does not", async () => {
    const endless = createServer((request, response) => {
      const huge = request.url?.endsWith("/Download");
      response.writeHead(huge ? 200 : 404, { "Content-Type": huge ? "text/csv" : "application/json" });
      const piece = Buffer.alloc(1 << 20, 97);
      let sent = 0;
      const pump = () => {
        while (sent < (huge ? 80 : 1_000)) {
          sent += 1;
          if (!response.write(piece)) return void response.once("drain", pump);
        }
        response.end();
      };
      pump();
    });
    await new Promise<void>((resolve) => endless.listen(0, "127.0.0.1", resolve));
    try {
      const client = createImpactClient<TestPaths & { "/Jobs/{JobId}/Download": TestPaths["/Jobs/{JobId}"] }>(spec, {
        accountSid: "IRsid",
        authToken: "tok",
        baseUrl: `http://127.0.0.1:${(endless.address() as AddressInfo).port}`,
      });
      const before = process.memoryUsage().heapUsed;
      const error = await client.GET("/Jobs/{JobId}", { params: { path: { JobId: "j1" } } }).then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(AnswerTooLargeError);
      expect((error as Error).message).toBe(`the answer to GET /Mediapartners/IRsid/Jobs/j1 is larger than ${MAX_API_ANSWER_BYTES >> 20} MiB`);
      expect(process.memoryUsage().heapUsed - before).toBeLessThan(3 * MAX_API_ANSWER_BYTES);
      const { response } = await client.GET("/Jobs/{JobId}/Download", { params: { path: { JobId: "j1" } }, parseAs: "stream" });
      let bytes = 0;
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) bytes += chunk.byteLength;
      expect(bytes).toBe(80 << 20);
    } finally {
      endless.closeAllConnections();
      await new Promise((resolve) => endless.close(resolve));
    }
  });
});
