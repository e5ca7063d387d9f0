import { describe, expectTypeOf, test } from "vitest";
import { createClient, type components, type paths } from "./index.js";

type Job = components["schemas"]["Job"];
type ErrorResponse = components["schemas"]["ErrorResponse"];
/** Mutual assignability: openapi-fetch hands out `Readable<T>` (writeOnly fields dropped), which must stay interchangeable with T. */
type Interchangeable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const client = createClient({ accountSid: "IR1", authToken: "t" });

describe("agency-v3 types", () => {
  test("GET /Jobs/{JobId} returns the Job; 401/404 carry the ErrorResponse envelope", async () => {
    const { data, error } = await client.GET("/Jobs/{JobId}", { params: { path: { JobId: "x" } } });
    expectTypeOf<Interchangeable<typeof data, Job | undefined>>().toEqualTypeOf<true>();
    expectTypeOf(error).toEqualTypeOf<ErrorResponse | undefined>();
  });

  test("the Job's wire types, with an open Type", () => {
    expectTypeOf<Job["PercentageComplete"]>().toEqualTypeOf<number | string | undefined>();
    expectTypeOf<Job["Replayable"]>().toEqualTypeOf<boolean | "true" | "false" | undefined>();
    expectTypeOf<Job["StartedDate"]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<"ApiReport">().toExtend<NonNullable<Job["Type"]>>();
    expectTypeOf<"ClickExport">().toExtend<NonNullable<Job["Type"]>>();
  });

  test("the list is a bare array or {Jobs}", async () => {
    const { data } = await client.GET("/Jobs", { params: { query: { CreatedBefore: "2026-11-25" } } });
    expectTypeOf<Interchangeable<typeof data, components["schemas"]["JobList"] | Job[] | undefined>>().toEqualTypeOf<true>();
  });

  test("ReportExport answers QUEUED or ERROR inside a 200", async () => {
    const { data } = await client.GET("/ReportExport/{ReportId}", { params: { path: { ReportId: "att_adv_performance_by_day_pm_only" } } });
    type Answer = NonNullable<typeof data>;
    expectTypeOf<Answer["Status"]>().toEqualTypeOf<"QUEUED" | "ERROR" | undefined>();
    expectTypeOf<Answer["Message"]>().toEqualTypeOf<string | undefined>();
  });

  test("the agency API has no ClickExport", () => {
    expectTypeOf<"/ClickExport">().not.toExtend<keyof paths>();
    expectTypeOf<"/Programs/{ProgramId}/ClickExport">().not.toExtend<keyof paths>();
  });

  test("Download and Replay", async () => {
    const download = await client.GET("/Jobs/{JobId}/Download", { params: { path: { JobId: "x" } } });
    expectTypeOf<Interchangeable<typeof download.data, string | Job | undefined>>().toEqualTypeOf<true>();
    const replay = await client.PUT("/Jobs/{JobId}/Replay", { params: { path: { JobId: "x" } } });
    expectTypeOf<Interchangeable<typeof replay.data, Job | undefined>>().toEqualTypeOf<true>();
    // @ts-expect-error the Account SID is filled by the client, never written in the path
    await client.GET("/Agencies/{AccountSID}/Jobs", {});
  });
});
