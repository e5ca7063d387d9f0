import { describe, expect, it } from "vitest";
import { FLAVORS } from "./flavors.js";
import { ResponseValidator } from "./response-validator.js";

const partner = FLAVORS.find((flavor) => flavor.api === "partner")!;
const agency = FLAVORS.find((flavor) => flavor.api === "agency")!;

describe("ResponseValidator", () => {
  const validator = new ResponseValidator(new Map([partner, agency].map((flavor) => [flavor, flavor.document()])));

  it("accepts what the wire sends and records what the spec does not allow", () => {
    validator.check(partner, "getJob", 200, {
      Id: "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f",
      Status: "RUNNING",
      RecordsProcessed: "25",
      Replayable: "true",
      CompletedDate: "",
    });
    validator.check(partner, "getJob", 404, { Status: "ERROR", Message: "Job not found" });
    validator.check(agency, "listJobs", 200, []);
    expect(validator.violations).toEqual([]);
    validator.check(partner, "getJob", 200, { Id: "x", Status: "PAUSED" });
    validator.check(partner, "getJob", 503, { Status: "ERROR" });
    validator.check(agency, "listJobs", 200, { Jobs: "no" });
    validator.check(partner, "replayJob", 302, {});
    expect(validator.violations.map((violation) => [violation.route, violation.status])).toEqual([
      ["getJob", 200],
      ["getJob", 503],
      ["listJobs", 200],
      ["replayJob", 302],
    ]);
    expect(validator.violations[0]!.errors.join(" ")).toMatch(/\/Status must be equal to one of the allowed values/);
    expect(validator.violations[1]!.errors.join(" ")).toMatch(/must have required property 'Message'/);
    expect(validator.violations[3]!.errors).toEqual(["/ status 302 is not documented for /Mediapartners/{AccountSID}/Jobs/{JobId}/Replay"]);
  });
});
