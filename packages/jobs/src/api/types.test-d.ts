import { createClient as agencyClient } from "@impactkit/agency-v3";
import { createClient as brandClient } from "@impactkit/brand";
import { createClient as partnerClient } from "@impactkit/partner-v15";
import { describe, expectTypeOf, test } from "vitest";
import type { ImpactClient } from "@impactkit/core";
import { createJobs, type ClickParams, type Jobs, type ReportParams } from "./create-jobs.js";
import type { JobsPaths } from "../impact/jobs-paths.js";
import type { ConnectionError, JobsOptions, ProtocolError, RateLimitEvent, RateLimitWaitError, RequestTimeoutError, TransportError } from "../index.js";
import type { Job, JobWireField, KnownJobStatus } from "../base/job.js";
import { jobRecords, type ResultRecord } from "../index.js";
import { jobRecords as universalJobRecords } from "../universal.js";

const options = { accountSid: "IR1", authToken: "t" };
const partner = createJobs(partnerClient(options));
const agency = createJobs(agencyClient(options));
const brand = createJobs(brandClient(options));

describe("createJobs takes a client whose generated paths have the Jobs operations it calls", () => {
  test("every flavor's has them; paths without one, or with a renamed parameter, do not compile", () => {
    type PartnerPaths = import("@impactkit/partner-v15").paths;
    expectTypeOf<PartnerPaths>().toExtend<JobsPaths>();
    expectTypeOf<import("@impactkit/agency-v3").paths>().toExtend<JobsPaths>();
    expectTypeOf<import("@impactkit/brand").paths>().toExtend<JobsPaths>();
    expectTypeOf<import("@impactkit/partner-v16").paths>().toExtend<JobsPaths>();
    type NoReplay = Omit<PartnerPaths, "/Jobs/{JobId}/Replay">;
    expectTypeOf<NoReplay>().not.toExtend<JobsPaths>();
    type RenamedId = Omit<PartnerPaths, "/Jobs/{JobId}"> & {
      "/Jobs/{JobId}": { get: { parameters: { path: { Id: string } }; responses: PartnerPaths["/Jobs/{JobId}"]["get"]["responses"] } };
    };
    expectTypeOf<RenamedId>().not.toExtend<JobsPaths>();
    const noReplay = partnerClient(options) as unknown as ImpactClient<NoReplay>;
    // @ts-expect-error a client without PUT /Jobs/{JobId}/Replay is refused at compile time
    createJobs(noReplay);
    // @ts-expect-error and so is one whose Job path names its parameter otherwise
    createJobs(partnerClient(options) as unknown as ImpactClient<RenamedId>);
  });

  test("a flavor whose generated Job lost a field jobs reads does not compile", () => {
    type PartnerPaths = import("@impactkit/partner-v15").paths;
    type Job200 = PartnerPaths["/Jobs/{JobId}"]["get"]["responses"][200];
    type Without<Field extends string> = Omit<PartnerPaths, "/Jobs/{JobId}"> & {
      "/Jobs/{JobId}": {
        get: Omit<PartnerPaths["/Jobs/{JobId}"]["get"], "responses"> & {
          responses: { 200: Omit<Job200, "content"> & { content: { "application/json": Omit<Job200["content"]["application/json"], Field> } } };
        };
      };
    };
    expectTypeOf<JobWireField>().toExtend<keyof Job>();
    expectTypeOf<Without<"StatusMessage">>().toExtend<JobsPaths>();
    createJobs(partnerClient(options) as unknown as ImpactClient<Without<"NotAField">>);
    // @ts-expect-error StatusMessage is a field normaliseJob reads
    createJobs(partnerClient(options) as unknown as ImpactClient<Without<"StatusMessage">>);
    // @ts-expect-error and so is PercentageComplete
    createJobs(partnerClient(options) as unknown as ImpactClient<Without<"PercentageComplete">>);
  });
});

describe("createJobs is typed by the flavor of its client", () => {
  test("a normalised Job: literals with a raw fallback, numbers, booleans and Dates", async () => {
    const job = await partner.wait("d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f");
    expectTypeOf(job).toEqualTypeOf<Job>();
    expectTypeOf<"COMPLETED">().toExtend<Job["Status"]>();
    expectTypeOf<KnownJobStatus>().toExtend<Job["Status"]>();
    expectTypeOf(job.PercentageComplete).toEqualTypeOf<number | undefined>();
    expectTypeOf(job.Replayable).toEqualTypeOf<boolean | undefined>();
    expectTypeOf(job.CompletedDate).toEqualTypeOf<Date | undefined>();
  });

  test("partner ReportExport requires START_DATE and END_DATE", async () => {
    await partner.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-24", ResultFormat: "JSON" });
    // @ts-expect-error END_DATE is required
    await partner.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01" });
    // @ts-expect-error ResultFormat is CSV, JSON or XML
    await partner.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-24", ResultFormat: "PDF" });
    expectTypeOf<ReportParams<import("@impactkit/partner-v15").paths>["START_DATE"]>().toEqualTypeOf<string>();
  });

  test("a report's own filters are open, the spec's stay typed", async () => {
    await brand.exportReport("4222", { SUBAID: 1234, Advertiser: "IRADV1", ACTION_STATUS: ["APPROVED", "PENDING"] });
    await partner.exportReport("mp_action_listing_fast", { START_DATE: "2026-11-01", END_DATE: "2026-11-24", ACTION_STATUS: "APPROVED" });
    // @ts-expect-error SUBAID is the spec's integer, not a list
    await brand.exportReport("4222", { SUBAID: ["1234"] });
    // @ts-expect-error a filter takes strings, numbers or booleans
    await agency.exportReport("att_adv_performance_by_day_pm_only", { Advertiser: { id: 1 } });
  });

  test("brand ReportExport takes its own parameters; agency's are optional", async () => {
    await brand.exportReport("4222", { SUBAID: 1234, StartDate: "2026-11-01T00:00:00Z" });
    await agency.exportReport("att_adv_performance_by_day_pm_only", {});
  });

  test("ClickExport: partner's query, brand's ProgramId, none for agency", async () => {
    await partner.exportClicks({ Date: "2026-11-24", ProgramId: ["1"] });
    await brand.exportClicks({ ProgramId: 1234, Date: "2026-11-24" });
    // @ts-expect-error the brand ClickExport needs a ProgramId
    await brand.exportClicks({ Date: "2026-11-24" });
    expectTypeOf<ClickParams<import("@impactkit/agency-v3").paths>>().toEqualTypeOf<never>();
    // @ts-expect-error the agency API has no ClickExport
    await agency.exportClicks({ Date: "2026-11-24" });
  });

  test("the instance keeps the client's paths", () => {
    expectTypeOf(partner).toEqualTypeOf<Jobs<import("@impactkit/partner-v15").paths>>();
    expectTypeOf(agency.spec.apiVersion).toEqualTypeOf<string>();
  });
});

describe("the package's entry point names what its options and errors hand out", () => {
  test("onRateLimit receives a RateLimitEvent, and every TransportError kind can be told apart", () => {
    expectTypeOf<Parameters<NonNullable<JobsOptions["onRateLimit"]>>[0]>().toEqualTypeOf<RateLimitEvent>();
    expectTypeOf<RateLimitEvent["kind"]>().toEqualTypeOf<"pacing" | "waiting">();
    expectTypeOf<ProtocolError>().toMatchTypeOf<TransportError>();
    expectTypeOf<RequestTimeoutError>().toMatchTypeOf<ConnectionError>();
    expectTypeOf<RateLimitWaitError["resetAt"]>().toEqualTypeOf<number>();
  });
});

describe("records() rows", () => {
  test("are ResultRecord by default, the caller's Row when asked, from a job or a file; coerce takes only known types", () => {
    interface Row {
      ActionId: string;
      Amount: number;
    }
    expectTypeOf(partner.records("d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f")).toEqualTypeOf<AsyncGenerator<Record<string, unknown>, void, undefined>>();
    expectTypeOf(partner.records<Row>("d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f", { coerce: { Amount: "number" } })).toEqualTypeOf<
      AsyncGenerator<Row, void, undefined>
    >();
    expectTypeOf(partner.records<Row>({ from: "actions.csv", coerce: "auto" })).toEqualTypeOf<AsyncGenerator<Row, void, undefined>>();
    // @ts-expect-error "int" is not a column type
    partner.records("d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f", { coerce: { Amount: "int" } });
  });
});

describe("the async generators", () => {
  test("return nothing and take nothing back (AsyncGenerator<T, void, undefined>, never any)", () => {
    const id = "d8807a9f-a5ee-4e3f-ad2b-3dfd19d1915f";
    expectTypeOf(partner.watch(id)).toEqualTypeOf<AsyncGenerator<Job, void, undefined>>();
    expectTypeOf(jobRecords).returns.toEqualTypeOf<AsyncGenerator<ResultRecord, void, undefined>>();
    expectTypeOf(universalJobRecords).returns.toEqualTypeOf<AsyncGenerator<ResultRecord, void, undefined>>();
  });
});
