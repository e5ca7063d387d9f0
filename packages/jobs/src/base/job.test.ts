import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DateField, glanceJob, isKnownStatus, jobJson, normaliseJob, type Job } from "./job.js";

const ID = "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f";
const DATE_FIELDS = ["CreatedDate", "StartedDate", "CompletedDate", "AbandonedDate", "CancelledDate", "FailedDate", "LastProgressUpdateDate"] as const;
const COUNT_FIELDS = ["RecordsProcessed", "PercentageComplete"] as const;

describe("normaliseJob", () => {
  it("reads numbers sent as strings", () => {
    const job = normaliseJob({ Id: ID, Status: "RUNNING", RecordsProcessed: "250", PercentageComplete: " 45.5 " });
    expect(job.RecordsProcessed).toBe(250);
    expect(job.PercentageComplete).toBe(45.5);
  });

  it("keeps numbers sent as numbers", () => {
    const job = normaliseJob({ Id: ID, Status: "COMPLETED", RecordsProcessed: 0, PercentageComplete: 100 });
    expect(job.RecordsProcessed).toBe(0);
    expect(job.PercentageComplete).toBe(100);
  });

  it("reads negative and decimal number strings", () => {
    const job = normaliseJob({ Id: ID, Status: "RUNNING", RecordsProcessed: "-3", PercentageComplete: "0.5" });
    expect(job.RecordsProcessed).toBe(-3);
    expect(job.PercentageComplete).toBe(0.5);
  });

  it.each([["abc"], [""], ["1e3"], ["12 rows"], [Number.NaN], [Number.POSITIVE_INFINITY], [null], [true], [[5]]])("drops the count %j", (value) => {
    const job = normaliseJob({ Id: ID, Status: "RUNNING", RecordsProcessed: value, PercentageComplete: value });
    expect(job.RecordsProcessed).toBeUndefined();
    expect(job.PercentageComplete).toBeUndefined();
  });

  it.each([
    [true, true],
    [false, false],
    ["true", true],
    ["false", false],
    [" TRUE ", true],
    ["False", false],
    ["yes", undefined],
    ["", undefined],
    [1, undefined],
    [null, undefined],
  ])("reads Replayable %j as %j", (value, expected) => {
    expect(normaliseJob({ Id: ID, Status: "COMPLETED", Replayable: value }).Replayable).toBe(expected);
  });

  it("leaves Replayable undefined when absent", () => {
    expect(normaliseJob({ Id: ID, Status: "COMPLETED" }).Replayable).toBeUndefined();
  });

  it("turns empty and missing dates into undefined", () => {
    const job = normaliseJob({ Id: ID, Status: "QUEUED", CreatedDate: "", StartedDate: "   ", CompletedDate: null });
    for (const field of DATE_FIELDS) expect(job[field]).toBeUndefined();
  });

  it("parses ISO dates with offsets", () => {
    const job = normaliseJob({
      Id: ID,
      Status: "COMPLETED",
      CreatedDate: "2026-01-15T10:30:00-05:00",
      CompletedDate: "2026-01-15T16:00:00+01:00",
      LastProgressUpdateDate: "2026-01-15T15:30:00.250Z",
    });
    expect(job.CreatedDate).toBeInstanceOf(Date);
    expect(job.CreatedDate?.toISOString()).toBe("2026-01-15T15:30:00.000Z");
    expect(job.CompletedDate?.toISOString()).toBe("2026-01-15T15:00:00.000Z");
    expect(job.LastProgressUpdateDate?.toISOString()).toBe("2026-01-15T15:30:00.250Z");
    expect(job.StartedDate).toBeUndefined();
  });

  it("reads every date field", () => {
    const body: Record<string, unknown> = { Id: ID, Status: "FAILED" };
    for (const [index, field] of DATE_FIELDS.entries()) body[field] = `2026-01-0${index + 1}T00:00:00Z`;
    const job = normaliseJob(body);
    expect(DATE_FIELDS.map((field) => job[field]?.toISOString())).toEqual([
      "2026-01-01T00:00:00.000Z",
      "2026-01-02T00:00:00.000Z",
      "2026-01-03T00:00:00.000Z",
      "2026-01-04T00:00:00.000Z",
      "2026-01-05T00:00:00.000Z",
      "2026-01-06T00:00:00.000Z",
      "2026-01-07T00:00:00.000Z",
    ]);
  });

  it("drops dates it cannot read", () => {
    const job = normaliseJob({ Id: ID, Status: "RUNNING", CreatedDate: "not a date", StartedDate: 1_768_478_400_000, CompletedDate: {} });
    expect(job.CreatedDate).toBeUndefined();
    expect(job.StartedDate).toBeUndefined();
    expect(job.CompletedDate).toBeUndefined();
  });

  it("keeps documented Status and Type values", () => {
    const job = normaliseJob({ Id: ID, Status: "COMPLETED", Type: "DownloadReport" });
    expect(job.Status).toBe("COMPLETED");
    expect(job.Type).toBe("DownloadReport");
  });

  it("keeps unknown Status and Type as the raw strings", () => {
    const job = normaliseJob({ Id: ID, Status: "PAUSED", Type: "SomeFutureJob" });
    expect(job.Status).toBe("PAUSED");
    expect(job.Type).toBe("SomeFutureJob");
  });

  it("reads a documented Status in any case, and keeps an undocumented one as sent", () => {
    expect(normaliseJob({ Id: ID, Status: "completed" }).Status).toBe("COMPLETED");
    expect(normaliseJob({ Id: ID, Status: "Running" }).Status).toBe("RUNNING");
    expect(normaliseJob({ Id: ID, Status: "Paused" }).Status).toBe("Paused");
  });

  it("clamps PercentageComplete to 0–100", () => {
    expect(
      [normaliseJob({ Id: ID, Status: "RUNNING", PercentageComplete: "150" }), normaliseJob({ Id: ID, Status: "RUNNING", PercentageComplete: -5 })].map(
        (job) => job.PercentageComplete,
      ),
    ).toEqual([100, 0]);
  });

  it("reads text fields and turns numbers into text", () => {
    const job = normaliseJob({
      Id: ID,
      Status: "COMPLETED",
      StatusMessage: "done",
      ProgramId: 1234,
      CreatedBy: "api-user",
      ResultUri: "/Mediapartners/IRX/Jobs/x/Download",
    });
    expect(job.StatusMessage).toBe("done");
    expect(job.ProgramId).toBe("1234");
    expect(job.CreatedBy).toBe("api-user");
    expect(job.ResultUri).toBe("/Mediapartners/IRX/Jobs/x/Download");
  });

  it("turns empty text into undefined", () => {
    const job = normaliseJob({ Id: ID, Status: "QUEUED", Type: "", StatusMessage: "", ResultUri: "" });
    expect(job.Type).toBeUndefined();
    expect(job.StatusMessage).toBeUndefined();
    expect(job.ResultUri).toBeUndefined();
  });

  it("keeps the body as raw", () => {
    const body = { Id: ID, Status: "QUEUED", Extra: { nested: [1, 2] } };
    const job = normaliseJob(body);
    expect(job.raw).toBe(body);
    expect(job.raw["Extra"]).toEqual({ nested: [1, 2] });
  });

  it("accepts JobId as the id", () => {
    expect(normaliseJob({ JobId: ID, Status: "QUEUED" }).Id).toBe(ID);
  });

  it("prefers Id over JobId", () => {
    expect(normaliseJob({ Id: "from-id", JobId: "from-job-id", Status: "QUEUED" }).Id).toBe("from-id");
  });

  it("accepts a numeric Id", () => {
    expect(normaliseJob({ Id: 42, Status: "QUEUED" }).Id).toBe("42");
  });

  it.each([[{ Status: "QUEUED" }], [{ Id: "", Status: "QUEUED" }], [{ Id: null, Status: "QUEUED" }], [{ Id: true, Status: "QUEUED" }]])(
    "throws a TypeError without an Id: %j",
    (body) => {
      expect(() => normaliseJob(body)).toThrow(TypeError);
    },
  );

  it.each([[{ Id: ID }], [{ Id: ID, Status: "" }], [{ Id: ID, Status: null }], [{ Id: ID, Status: {} }]])("throws a TypeError without a Status: %j", (body) => {
    expect(() => normaliseJob(body)).toThrow(TypeError);
  });

  it.each([[null], [undefined], ["COMPLETED"], [42], [[{ Id: ID, Status: "QUEUED" }]]])("throws a TypeError for a body that is not an object: %j", (body) => {
    expect(() => normaliseJob(body)).toThrow(TypeError);
  });

  it("names the body in the error", () => {
    expect(() => normaliseJob({ Status: "QUEUED", Marker: "xyzzy" })).toThrow(/not a Job: .*xyzzy/);
  });

  it("keeps the error message short for a large body", () => {
    let message = "";
    try {
      normaliseJob({ Status: "QUEUED", Padding: "p".repeat(10_000) });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/^not a Job: /);
    expect(message.length).toBeLessThanOrEqual("not a Job: ".length + 200);
  });
});

describe("isKnownStatus", () => {
  it.each(["QUEUED", "RUNNING", "COMPLETED", "CANCELLED", "ERROR", "FAILED"])("knows %s", (status) => {
    expect(isKnownStatus(status)).toBe(true);
  });

  it.each(["PAUSED", "completed", "", " QUEUED"])("does not know %j", (status) => {
    expect(isKnownStatus(status)).toBe(false);
  });
});

describe("normaliseJob properties", () => {
  const isoDate = fc
    .tuple(
      fc.date({ min: new Date("1970-01-01T00:00:00Z"), max: new Date("2100-01-01T00:00:00Z"), noInvalidDate: true }),
      fc.constantFrom("Z", "+00:00", "-05:00", "+05:30", ""),
    )
    .map(([date, offset]) => date.toISOString().slice(0, 19) + offset);
  const wireDate = fc.oneof(isoDate, fc.constant(""), fc.constant("   "), fc.string(), fc.integer(), fc.constant(null));
  const wireCount = fc.oneof(
    fc.integer().map(String),
    fc.double({ noNaN: true, noDefaultInfinity: true }).map(String),
    fc.double(),
    fc.integer(),
    fc.string(),
    fc.constant(""),
    fc.constant(null),
  );
  const wireFlag = fc.oneof(fc.boolean(), fc.constantFrom("true", "false", "TRUE", " false ", ""), fc.string(), fc.integer(), fc.constant(null));
  const wireText = fc.oneof(fc.string(), fc.integer(), fc.constant(null), fc.boolean());
  const wireJob = fc.record(
    {
      Id: fc.string({ minLength: 1 }),
      Status: fc.oneof(fc.constantFrom("QUEUED", "RUNNING", "COMPLETED", "CANCELLED", "ERROR", "FAILED"), fc.string({ minLength: 1 })),
      Type: wireText,
      StatusMessage: wireText,
      ProgramId: wireText,
      CreatedBy: wireText,
      ResultUri: wireText,
      CreatedDate: wireDate,
      StartedDate: wireDate,
      CompletedDate: wireDate,
      AbandonedDate: wireDate,
      CancelledDate: wireDate,
      FailedDate: wireDate,
      LastProgressUpdateDate: wireDate,
      RecordsProcessed: wireCount,
      PercentageComplete: wireCount,
      Replayable: wireFlag,
    },
    { requiredKeys: ["Id", "Status"] },
  );

  it("glanceJob reads what normaliseJob reads, and refuses exactly the bodies normaliseJob refuses", () => {
    const body = fc.oneof(
      wireJob,
      fc.record({ Id: fc.oneof(fc.string(), fc.constant(null)), Status: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) }, { requiredKeys: [] }),
      fc.anything(),
    );
    fc.assert(
      fc.property(body, (value) => {
        const glance = glanceJob(value, new DateField(), new DateField());
        let job: Job | undefined;
        try {
          job = normaliseJob(value);
        } catch {
          job = undefined;
        }
        if (job === undefined) expect(glance).toBeUndefined();
        else
          expect(glance).toEqual({
            status: job.Status,
            percent: job.PercentageComplete,
            records: job.RecordsProcessed,
            createdAt: job.CreatedDate?.getTime(),
            startedAt: job.StartedDate?.getTime(),
          });
      }),
    );
  });

  it("never throws when Id and Status are non-empty strings, and keeps them", () => {
    fc.assert(
      fc.property(wireJob, (body) => {
        const job = normaliseJob(body);
        expect(job.Id).toBe(body.Id);
        expect(job.Status).toBe(body.Status);
        expect(job.raw).toBe(body);
      }),
    );
  });

  it("returns numbers that are finite or undefined", () => {
    fc.assert(
      fc.property(wireJob, (body) => {
        const job = normaliseJob(body);
        for (const field of COUNT_FIELDS) {
          const value: number | undefined = job[field];
          if (value !== undefined) expect(Number.isFinite(value)).toBe(true);
        }
      }),
    );
  });

  it("returns valid Dates or undefined, never a string", () => {
    fc.assert(
      fc.property(wireJob, (body) => {
        const job: Job = normaliseJob(body);
        for (const field of DATE_FIELDS) {
          const value: unknown = job[field];
          expect(value).not.toBe("");
          if (value !== undefined) {
            expect(value).toBeInstanceOf(Date);
            expect(Number.isNaN((value as Date).getTime())).toBe(false);
          }
        }
      }),
    );
  });

  it("reads every ISO date with an offset to the same instant", () => {
    fc.assert(
      fc.property(isoDate, (value) => {
        expect(normaliseJob({ Id: ID, Status: "RUNNING", CreatedDate: value }).CreatedDate?.getTime()).toBe(new Date(value).getTime());
      }),
    );
  });

  it("reads integer strings as their value", () => {
    fc.assert(
      fc.property(fc.integer(), (value) => {
        expect(normaliseJob({ Id: ID, Status: "RUNNING", RecordsProcessed: String(value) }).RecordsProcessed).toBe(value);
      }),
    );
  });

  it("returns a boolean or undefined for Replayable", () => {
    fc.assert(
      fc.property(wireJob, (body) => {
        expect([true, false, undefined]).toContain(normaliseJob(body).Replayable);
      }),
    );
  });
});

describe("DateField", () => {
  it("gives each value's instant, following a value that changes and back", () => {
    const field = new DateField();
    const values = ["2026-12-03T16:43:48+00:00", "2026-12-03T16:43:48+00:00", "", "2026-12-03T17:00:00Z", "not a date", undefined, "2026-12-03T16:43:48+00:00"];
    expect(values.map((value) => field.ms(value))).toEqual([
      Date.UTC(2026, 11, 3, 16, 43, 48),
      Date.UTC(2026, 11, 3, 16, 43, 48),
      undefined,
      Date.UTC(2026, 11, 3, 17),
      undefined,
      undefined,
      Date.UTC(2026, 11, 3, 16, 43, 48),
    ]);
  });
});

describe("jobJson", () => {
  it("gives the API's field names, dates as ISO 8601, a missing field as null, and no raw body", () => {
    const job = normaliseJob({ Id: ID, Status: "COMPLETED", CreatedDate: "2026-11-25T12:00:00-08:00", RecordsProcessed: "12", Secret: "not-shown" });
    const json = jobJson(job);
    expect(json).toMatchObject({ Id: ID, Status: "COMPLETED", CreatedDate: "2026-11-25T20:00:00.000Z", RecordsProcessed: 12, CompletedDate: null });
    expect(Object.keys(json)).not.toContain("raw");
    expect(JSON.stringify(json)).not.toContain("not-shown");
  });
});
