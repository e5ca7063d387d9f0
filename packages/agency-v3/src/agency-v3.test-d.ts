import { describe, expectTypeOf, test } from "vitest";
import { createClient, type components, type operations, type paths } from "./index.js";

type Job = components["schemas"]["Job"];
/** Mutual assignability: openapi-fetch hands out `Readable<T>` (writeOnly fields dropped), which must stay interchangeable with T. */
type Interchangeable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const client = createClient({ accountSid: "IR1", authToken: "t" });

describe("agency-v3 types: what only this release has", () => {
  test("the operationIds the docs pages name", () => {
    expectTypeOf<"getJob" | "downloadJobResult" | "replayJob" | "listJobs" | "exportReport" | "listAllReports" | "getReportMetadata">().toExtend<
      keyof operations
    >();
  });

  test("unset dates are empty strings", () => {
    expectTypeOf<Job["StartedDate"]>().toEqualTypeOf<string | undefined>();
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

  test("report discovery: the list is a bare array, the metadata under {ReportId}", async () => {
    const list = await client.GET("/Reports", {});
    expectTypeOf<Interchangeable<typeof list.data, components["schemas"]["Report"][] | undefined>>().toEqualTypeOf<true>();
    const metadata = await client.GET("/Reports/{ReportId}/MetaData", { params: { path: { ReportId: "att_adv_performance_by_day_pm_only" } } });
    expectTypeOf<Interchangeable<typeof metadata.data, components["schemas"]["ReportMetadata"] | undefined>>().toEqualTypeOf<true>();
  });
});
