import { describe, expectTypeOf, test } from "vitest";
import { createClient, type components, type operations, type paths } from "./index.js";

type Job = components["schemas"]["Job"];
/** Mutual assignability: openapi-fetch hands out `Readable<T>` (writeOnly fields dropped), which must stay interchangeable with T. */
type Interchangeable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const client = createClient({ accountSid: "IR1", authToken: "t" });

describe("brand types: what only this API has", () => {
  test("the operationIds the upstream document names", () => {
    expectTypeOf<"getJobById" | "downloadJobResult" | "exportReport" | "exportClicks" | "listAllReports" | "getReportMetadata">().toExtend<keyof operations>();
  });

  test("unset dates are null as well as empty strings", () => {
    expectTypeOf<Job["CompletedDate"]>().toEqualTypeOf<string | null | undefined>();
    expectTypeOf<Job["ResultUri"]>().toEqualTypeOf<string | null | undefined>();
  });

  test("ClickExport lives under a program, whose id is an integer; UniqueClick is a boolean", async () => {
    const { data } = await client.GET("/Programs/{ProgramId}/ClickExport", {
      params: { path: { ProgramId: 1234 }, query: { Date: "2026-11-24", MediaId: [9], UniqueClick: true } },
    });
    expectTypeOf<Interchangeable<NonNullable<typeof data>["QueuedUri"], string | undefined>>().toEqualTypeOf<true>();
    expectTypeOf<"/ClickExport">().not.toExtend<keyof paths>();
    // @ts-expect-error ProgramId is required
    await client.GET("/Programs/{ProgramId}/ClickExport", { params: { path: {} } });
  });

  test("ReportExport takes a report id or handle and date-time bounds", async () => {
    await client.GET("/ReportExport/{ReportId_or_Handle}", {
      params: {
        path: { ReportId_or_Handle: "adv_click_data_pm_only" },
        query: { SUBAID: 1234, StartDate: "2026-11-01T00:00:00Z", EndDate: "2026-11-24T00:00:00Z", ResultFormat: "CSV" },
      },
    });
  });

  test("report discovery: the list in {Reports}, the metadata under {ReportId}", async () => {
    const list = await client.GET("/Reports", {});
    expectTypeOf<Interchangeable<NonNullable<typeof list.data>["Reports"], components["schemas"]["Report"][] | undefined>>().toEqualTypeOf<true>();
    await client.GET("/Reports/{ReportId}/MetaData", { params: { path: { ReportId: "adv_click_data_pm_only" } } });
  });
});
