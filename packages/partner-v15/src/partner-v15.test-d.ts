import { describe, expectTypeOf, test } from "vitest";
import { createClient, type components, type operations, type paths } from "./index.js";

type Job = components["schemas"]["Job"];
/** Mutual assignability: openapi-fetch hands out `Readable<T>` (writeOnly fields dropped), which must stay interchangeable with T. */
type Interchangeable<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

const client = createClient({ accountSid: "IR1", authToken: "t" });

describe("partner-v15 types: what only this release has", () => {
  test("the operationIds the upstream document names", () => {
    expectTypeOf<"retrieveJobStatus" | "downloadJobResults" | "exportReports" | "exportClicks" | "listReports" | "retrieveMetadata">().toExtend<
      keyof operations
    >();
  });

  test("unset dates are empty strings; Type stays a plain string", () => {
    expectTypeOf<Job["CompletedDate"]>().toEqualTypeOf<string | undefined>();
    // Kept `string`: every open form that keeps the literals (`"ApiReport" | (string & {})`, `string & Record<never, never>`)
    // is an object to openapi-fetch's Readable, which maps it to string's methods and breaks Readable<Job> ⇄ Job.
    expectTypeOf<NonNullable<Job["Type"]>>().toEqualTypeOf<string>();
  });

  test("ReportExport needs START_DATE and END_DATE and answers the job handle", async () => {
    const { data } = await client.GET("/ReportExport/{Id}", {
      params: { path: { Id: "mp_action_listing_fast" }, query: { START_DATE: "2026-11-01", END_DATE: "2026-11-24" } },
    });
    expectTypeOf<Interchangeable<NonNullable<typeof data>["QueuedUri"], string | undefined>>().toEqualTypeOf<true>();
    // @ts-expect-error START_DATE and END_DATE are required
    await client.GET("/ReportExport/{Id}", { params: { path: { Id: "x" }, query: {} } });
  });

  test("ClickExport is /ClickExport with repeatable filters; there is no brand-style program path", async () => {
    await client.GET("/ClickExport", { params: { query: { ProgramId: ["1", "2"], Date: "2026-11-24", UniqueClick: "TRUE", ResultFormat: "JSON" } } });
    expectTypeOf<"/Programs/{ProgramId}/ClickExport">().not.toExtend<keyof paths>();
  });

  test("report discovery: the list in {Reports}, the metadata under {Id}", async () => {
    const list = await client.GET("/Reports", {});
    expectTypeOf<Interchangeable<NonNullable<typeof list.data>["Reports"], components["schemas"]["Report"][] | undefined>>().toEqualTypeOf<true>();
    const metadata = await client.GET("/Reports/{Id}/MetaData", { params: { path: { Id: "mp_action_listing_fast" } } });
    expectTypeOf<Interchangeable<typeof metadata.data, components["schemas"]["ReportMetadata"] | undefined>>().toEqualTypeOf<true>();
  });
});
