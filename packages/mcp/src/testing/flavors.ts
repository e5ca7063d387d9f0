import { createClient as agencyV3 } from "@impactkit/agency-v3";
import { createClient as brand } from "@impactkit/brand";
import { createJobs, type JobsOptions } from "@impactkit/jobs";
import type { AnyJobs } from "../options.js";
import { createClient as partnerV15 } from "@impactkit/partner-v15";
import { createClient as partnerV16 } from "@impactkit/partner-v16";

type Account = { accountSid: string; authToken: string; baseUrl: string; fetch?: (request: Request) => Promise<Response> };

/** Each flavor: a `Jobs` instance of an account, and a report the sandbox serves it with the parameters it needs. */
export const FLAVORS = [
  {
    api: "partner-v15",
    jobs: (account: Account, options: JobsOptions): AnyJobs => createJobs(partnerV15(account), options),
    report: "mp_action_listing_fast",
    params: { START_DATE: "2026-11-01", END_DATE: "2026-11-24" },
  },
  {
    api: "partner-v16",
    jobs: (account: Account, options: JobsOptions): AnyJobs => createJobs(partnerV16(account), options),
    report: "mp_action_listing_fast",
    params: { START_DATE: "2026-11-01", END_DATE: "2026-11-24" },
  },
  {
    api: "agency-v3",
    jobs: (account: Account, options: JobsOptions): AnyJobs => createJobs(agencyV3(account), options),
    report: "att_adv_performance_by_day_pm_only",
    params: { START_DATE: "2026-11-01", END_DATE: "2026-11-24" },
  },
  {
    api: "brand",
    jobs: (account: Account, options: JobsOptions): AnyJobs => createJobs(brand(account), options),
    report: "adv_action_listing_pm_only",
    params: { SUBAID: "1234" },
  },
] as const;
