import { afterEach, describe, expect, it } from "vitest";
import { LIST_PAGE_SIZE } from "./api-routes.js";
import { startSandbox, type Sandbox } from "./sandbox.js";
import { clientsFor, queuedJobId } from "./testing/support.js";

let sandbox: Sandbox | undefined;
afterEach(async () => {
  expect(sandbox?.control.violations()).toEqual([]);
  await sandbox?.close();
  sandbox = undefined;
});

/** A sandbox with `count` partner and agency exports made today; their job ids in creation order. */
async function withJobs(count: number, options: { maxListPageSize?: number } = {}) {
  sandbox = await startSandbox({ clock: "manual", ...options });
  const { partner, agency } = clientsFor(sandbox);
  const ids = { partner: [] as string[], agency: [] as string[] };
  for (let index = 0; index < count; index += 1) {
    const day = `2026-11-${String(index + 1).padStart(2, "0")}`;
    ids.partner.push(
      queuedJobId(
        (await partner.GET("/ReportExport/{Id}", { params: { path: { Id: "mp_action_listing_fast" }, query: { START_DATE: day, END_DATE: day } } })).data,
      ),
    );
    ids.agency.push(
      queuedJobId(
        (
          await agency.GET("/ReportExport/{ReportId}", {
            params: { path: { ReportId: "att_adv_performance_by_day_pm_only" }, query: { START_DATE: day, END_DATE: day } },
          })
        ).data,
      ),
    );
  }
  return { partner, agency, ids };
}

describe("the Jobs list is paged as list endpoints are (Page, PageSize; string paging fields)", () => {
  it("pages partner's {Jobs} with @page, @numpages and @nextpageuri as strings, following to the last page", async () => {
    const { partner, ids } = await withJobs(5);
    const first = (await partner.GET("/Jobs", { params: { query: { PageSize: 2 } } })).data as Record<string, unknown> & { Jobs: Array<{ Id: string }> };
    expect(first).toMatchObject({ "@page": "1", "@numpages": "3", "@pagesize": "2", "@total": "5", "@start": "1", "@end": "2", "@previouspageuri": "" });
    expect(first["@nextpageuri"]).toBe("/Mediapartners/IRSANDBOX0001/Jobs?PageSize=2&Page=2");
    const seen = first.Jobs.map((job) => job.Id);
    for (let next = first["@nextpageuri"] as string; next !== ""; ) {
      const page = (await partner.GET("/Jobs", { params: { query: { PageSize: 2, Page: Number(new URL(next, "https://x").searchParams.get("Page")) } } }))
        .data as Record<string, unknown> & { Jobs: Array<{ Id: string }> };
      seen.push(...page.Jobs.map((job) => job.Id));
      next = page["@nextpageuri"] as string;
    }
    expect(seen).toEqual(ids.partner);
  });

  it("pages agency's bare array: a short page is the last", async () => {
    const { agency, ids } = await withJobs(3);
    const pages = await Promise.all(
      [1, 2].map(async (Page) => (await agency.GET("/Jobs", { params: { query: { PageSize: 2, Page } } })).data as Array<{ Id: string }>),
    );
    expect(pages.map((page) => page.map((job) => job.Id))).toEqual([ids.agency.slice(0, 2), ids.agency.slice(2)]);
  });

  it(`holds ${LIST_PAGE_SIZE.toLocaleString("en-US")} jobs a page by default, and at most maxListPageSize whatever is asked`, async () => {
    const { partner } = await withJobs(3, { maxListPageSize: 1 });
    const page = (await partner.GET("/Jobs", { params: { query: { PageSize: 1_000 } } })).data as Record<string, unknown> & { Jobs: unknown[] };
    expect([page.Jobs.length, page["@numpages"], page["@pagesize"]]).toEqual([1, "3", "1"]);
    await sandbox!.close();
    const open = await withJobs(2);
    expect(((await open.partner.GET("/Jobs", {})).data as Record<string, unknown>)["@pagesize"]).toBe(String(LIST_PAGE_SIZE));
  });

  it.each([["0"], ["-1"], ["two"], ["1.5"]])("refuses Page or PageSize %s with a validation error naming it", async (bad) => {
    const { partner } = await withJobs(0);
    const answer = await partner.GET("/Jobs", { params: { query: { Page: bad as unknown as number } } });
    expect(answer.response.status).toBe(400);
    expect(answer.error).toMatchObject({ Errors: [{ Field: "Page" }] });
  });

  it("allows an account the documented 1,000 requests an hour by default", async () => {
    const { partner } = await withJobs(0);
    const { response } = await partner.GET("/Jobs", {});
    expect(response.headers.get("X-RateLimit-Limit-hour")).toBe("1000");
  });
});
