import { describe, expectTypeOf, test } from "vitest";
import { createClient, type components, type paths } from "./index.js";

type Job = components["schemas"]["Job"];
type ErrorResponse = components["schemas"]["ErrorResponse"];
/** Mutual assignability: openapi-fetch hands out `Readable<T>` (writeOnly fields dropped), which must stay interchangeable with T. */
type Interchangeable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const client = createClient({ accountSid: "IR1", authToken: "t" });

describe("brand types", () => {
  test("GET /Jobs/{JobId} returns the Job, errors are the ErrorResponse envelope", async () => {
    const { data, error } = await client.GET("/Jobs/{JobId}", { params: { path: { JobId: "x" } } });
    expectTypeOf<Interchangeable<typeof data, Job | undefined>>().toEqualTypeOf<true>();
    expectTypeOf(error).toEqualTypeOf<ErrorResponse | undefined>();
  });

  test("the Job's wire types, with an open Type that knows ClickExport", () => {
    expectTypeOf<Job["RecordsProcessed"]>().toEqualTypeOf<number | string | undefined>();
    expectTypeOf<"ClickExport">().toExtend<NonNullable<Job["Type"]>>();
    expectTypeOf<"AnotherType">().toExtend<NonNullable<Job["Type"]>>();
  });

  test("ClickExport lives under a program", async () => {
    const { data } = await client.GET("/Programs/{ProgramId}/ClickExport", {
      params: { path: { ProgramId: "1234" }, query: { Date: "2026-11-24", MediaId: ["9"] } },
    });
    expectTypeOf<Interchangeable<typeof data, components["schemas"]["JobQueuedResponse"] | undefined>>().toEqualTypeOf<true>();
    expectTypeOf<"/ClickExport">().not.toExtend<keyof paths>();
    // @ts-expect-error ProgramId is required
    await client.GET("/Programs/{ProgramId}/ClickExport", { params: { path: {} } });
  });

  test("ReportExport takes a report id or handle; its 200 may be an ERROR envelope", async () => {
    const { data } = await client.GET("/ReportExport/{ReportId}", {
      params: { path: { ReportId: "adv_click_data_pm_only" }, query: { SUBAID: 1234, ResultFormat: "CSV" } },
    });
    expectTypeOf<Interchangeable<typeof data, components["schemas"]["JobQueuedResponse"] | ErrorResponse | undefined>>().toEqualTypeOf<true>();
  });

  test("the list, Download and Replay", async () => {
    const list = await client.GET("/Jobs", { params: { query: { CreatedAfter: "2026-11-01T00:00:00Z" } } });
    expectTypeOf<Interchangeable<typeof list.data, components["schemas"]["JobList"] | Job[] | undefined>>().toEqualTypeOf<true>();
    const download = await client.GET("/Jobs/{JobId}/Download", { params: { path: { JobId: "x" } } });
    expectTypeOf<Interchangeable<typeof download.data, string | Job | undefined>>().toEqualTypeOf<true>();
    const replay = await client.PUT("/Jobs/{JobId}/Replay", { params: { path: { JobId: "x" } } });
    expectTypeOf<Interchangeable<typeof replay.data, Job | undefined>>().toEqualTypeOf<true>();
    // @ts-expect-error the Account SID is filled by the client, never written in the path
    await client.GET("/Advertisers/{AccountSID}/Jobs", {});
  });
});
