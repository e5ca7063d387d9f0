import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_ACCOUNT } from "./accounts.js";
import { FLAVORS } from "./flavors.js";
import { startSandbox, type Sandbox } from "./sandbox.js";

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox({ clock: "manual" });
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

const basic = `Basic ${Buffer.from(`${DEFAULT_ACCOUNT.accountSid}:${DEFAULT_ACCOUNT.authToken}`).toString("base64")}`;
const exportReport = (headers: Record<string, string>) =>
  fetch(
    `${sandbox.url}/Mediapartners/${DEFAULT_ACCOUNT.accountSid}/ReportExport/mp_action_listing_fast?START_DATE=2026-11-01&END_DATE=2026-11-01&SUBAID=${Math.random()}`,
    { headers: { Authorization: basic, Accept: "application/json", ...headers } },
  );

describe("the releases of one API on one path", () => {
  it("serves every flavor package of specs/flavors.json, two partner releases among them", () => {
    expect(FLAVORS.filter((flavor) => flavor.segment === "Mediapartners").map((flavor) => [flavor.id, flavor.apiVersion])).toEqual([
      ["partner-v15", "15"],
      ["partner-v16", "16"],
    ]);
  });

  it("tells them apart by IR-Version (https://integrations.impact.com/impact-publisher/reference/versioning); without it, the account's default, the first release", async () => {
    const flavorOf = async (headers: Record<string, string>) => {
      const response = await exportReport(headers);
      expect(response.status).toBe(200);
      const { QueuedUri } = (await response.json()) as { QueuedUri: string };
      return sandbox.control.job(QueuedUri.split("/").at(-1)!).job.flavor;
    };
    expect(await flavorOf({ "IR-Version": "16" })).toBe("partner-v16");
    expect(await flavorOf({ "IR-Version": "15" })).toBe("partner-v15");
    expect(await flavorOf({})).toBe("partner-v15");
  });

  it("refuses to serve an extra release twice: one id, or one path and version, per flavor", async () => {
    const v16 = FLAVORS.find((flavor) => flavor.id === "partner-v16")!;
    const spec = {
      api: v16.api,
      apiVersion: v16.apiVersion,
      title: "a copy",
      sha256: "0".repeat(64),
      basePath: "/Mediapartners/{AccountSID}",
      traits: v16.traits,
    };
    await expect(startSandbox({ flavors: [{ id: "partner-v16-copy", spec, document: v16.document() }] })).rejects.toThrow(
      "the sandbox cannot serve flavor partner-v16-copy (/Mediapartners, version 16): it serves partner-v16 (/Mediapartners, version 16) already",
    );
    await expect(startSandbox({ flavors: [{ id: "partner-v16", spec: { ...spec, apiVersion: "99" }, document: v16.document() }] })).rejects.toThrow(
      "the sandbox cannot serve flavor partner-v16 (/Mediapartners, version 99): it serves partner-v16 (/Mediapartners, version 16) already",
    );
  });

  it("refuses a release it does not serve, with the API's error envelope", async () => {
    const response = await exportReport({ "IR-Version": "99" });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ Status: "ERROR", Message: "IR-Version 99 is not a version of this API" });
  });
});
