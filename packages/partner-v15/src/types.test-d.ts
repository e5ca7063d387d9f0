import { describe, expectTypeOf, test } from "vitest";
import { createClient, type components, type paths } from "./index.js";

type Job = components["schemas"]["Job"];
type ErrorResponse = components["schemas"]["ErrorResponse"];
/** Mutual assignability: openapi-fetch hands out `Readable<T>` (writeOnly fields dropped), which must stay interchangeable with T. */
type Interchangeable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const client = createClient({ accountSid: "IR1", authToken: "t" });

describe("partner-v15 types", () => {
  test("GET /Jobs/{JobId} returns the Job, errors are the ErrorResponse envelope", async () => {
    const { data, error } = await client.GET("/Jobs/{JobId}", { params: { path: { JobId: "x" } } });
    expectTypeOf<Interchangeable<typeof data, Job | undefined>>().toEqualTypeOf<true>();
    expectTypeOf(error).toEqualTypeOf<ErrorResponse | undefined>();
  });

  test("the Job's wire types: strings for numbers and booleans, an open Type, a closed Status", () => {
    expectTypeOf<Job["RecordsProcessed"]>().toEqualTypeOf<number | string | undefined>();
    expectTypeOf<Job["Replayable"]>().toEqualTypeOf<boolean | "true" | "false" | undefined>();
    expectTypeOf<Job["CompletedDate"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<"ClickExport">().toExtend<NonNullable<Job["Type"]>>();
    expectTypeOf<"SomeFutureJobType">().toExtend<NonNullable<Job["Type"]>>();
    // Kept `string`: every open form that keeps the literals (`"ApiReport" | (string & {})`, `string & Record<never, never>`)
    // is an object to openapi-fetch's Readable, which maps it to string's methods and breaks Readable<Job> ⇄ Job.
    expectTypeOf<NonNullable<Job["Type"]>>().toEqualTypeOf<string>();
    expectTypeOf<NonNullable<Job["Status"]>>().toEqualTypeOf<"QUEUED" | "RUNNING" | "COMPLETED" | "CANCELLED" | "ERROR" | "FAILED">();
  });

  test("the list is {Jobs} or a bare array", async () => {
    const { data } = await client.GET("/Jobs", { params: { query: { CreatedAfter: "2026-11-01" } } });
    expectTypeOf<Interchangeable<typeof data, components["schemas"]["JobList"] | Job[] | undefined>>().toEqualTypeOf<true>();
  });

  test("Download answers the file (200) or the unfinished Job (202)", async () => {
    const { data } = await client.GET("/Jobs/{JobId}/Download", { params: { path: { JobId: "x" }, query: { Mode: "Stream" } } });
    expectTypeOf<Interchangeable<typeof data, string | Job | undefined>>().toEqualTypeOf<true>();
  });

  test("ReportExport needs START_DATE and END_DATE; its 200 may be an ERROR envelope", async () => {
    const { data } = await client.GET("/ReportExport/{Id}", {
      params: { path: { Id: "mp_action_listing_fast" }, query: { START_DATE: "2026-11-01", END_DATE: "2026-11-24" } },
    });
    expectTypeOf<Interchangeable<typeof data, components["schemas"]["JobQueuedResponse"] | ErrorResponse | undefined>>().toEqualTypeOf<true>();
    // @ts-expect-error START_DATE and END_DATE are required
    await client.GET("/ReportExport/{Id}", { params: { path: { Id: "x" }, query: {} } });
  });

  test("ClickExport is /ClickExport with repeatable filters; there is no brand-style program path", async () => {
    await client.GET("/ClickExport", { params: { query: { ProgramId: ["1", "2"], Date: "2026-11-24", ResultFormat: "JSON" } } });
    expectTypeOf<"/ClickExport">().toExtend<keyof paths>();
    expectTypeOf<"/Programs/{ProgramId}/ClickExport">().not.toExtend<keyof paths>();
  });

  test("Replay is a PUT; paths are relative to the account", async () => {
    const { data } = await client.PUT("/Jobs/{JobId}/Replay", { params: { path: { JobId: "x" } } });
    expectTypeOf<Interchangeable<typeof data, Job | undefined>>().toEqualTypeOf<true>();
    // @ts-expect-error the Account SID is filled by the client, never written in the path
    await client.GET("/Mediapartners/{AccountSID}/Jobs", {});
  });
});
