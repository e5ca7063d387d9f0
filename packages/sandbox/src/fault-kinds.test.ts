import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FaultPlan, faultFits } from "./faults.js";
import { FAULT_KINDS, ROUTES, type Fault } from "./index.js";

const kinds = Object.values(FAULT_KINDS);

describe("FAULT_KINDS", () => {
  it("has one entry per kind, named by its key, with an example of that kind that can be injected on each of its routes", () => {
    for (const [key, entry] of Object.entries(FAULT_KINDS)) {
      expect(entry.kind).toBe(key);
      expect(entry.example.kind).toBe(key);
      expect(entry.routes.length).toBeGreaterThan(0);
      for (const route of ROUTES) expect(faultFits(entry.example, route)).toBe(entry.routes.includes(route));
      for (const route of entry.routes) expect(() => new FaultPlan().inject({ route, fault: entry.example })).not.toThrow();
    }
  });

  it("says which faults leave bodies valid against the spec, as violations() has always counted them", () => {
    expect(kinds.filter((entry) => entry.keepsBodyValid).map((entry) => entry.kind)).toEqual([
      "status",
      "rate-limit",
      "stall",
      "slow",
      "expired-url",
      "body-stall",
      "trickle",
      "object-changed",
      "gzip",
      "storage-redirect",
    ]);
  });

  it("puts the new storage faults on storage, and the Job-body faults where a Job is answered", () => {
    const routes = (kind: Fault["kind"]) => FAULT_KINDS[kind].routes;
    expect(routes("object-changed")).toEqual(["storage"]);
    expect(routes("gzip")).toEqual(["downloadJob", "storage"]);
    expect(routes("storage-redirect")).toEqual(["downloadJob", "storage"]);
    expect(routes("redirect")).not.toContain("storage");
    expect(routes("non-job-body")).toEqual(["getJob", "listJobs"]);
    expect(routes("body-stall")).toEqual(ROUTES);
  });

  it("is what the README's Faults table lists, kind by kind", () => {
    const readme = readFileSync(join(import.meta.dirname, "..", "README.md"), "utf8");
    const table = [...readme.matchAll(/^\| `([a-z-]+)` \|/gm)].map((match) => match[1]);
    expect(table).toEqual(kinds.map((entry) => entry.kind));
  });
});
