import { createClient as agencyV3 } from "@impactkit/agency-v3";
import { createClient as brand } from "@impactkit/brand";
import { createJobs, type JobsOptions } from "@impactkit/jobs";
import { createClient as partnerV15 } from "@impactkit/partner-v15";
import { createClient as partnerV16 } from "@impactkit/partner-v16";
import { SANDBOX_EXPORTS } from "@impactkit/testing";
import type { AnyJobs } from "../options.js";

type Account = { accountSid: string; authToken: string; baseUrl: string; fetch?: (request: Request) => Promise<Response> };

const CREATE_CLIENT = { "partner-v15": partnerV15, "partner-v16": partnerV16, "agency-v3": agencyV3, brand };

/** Each of `T`'s flavors with a `Jobs` instance of an account of it. */
type WithJobs<T extends readonly unknown[]> = { readonly [K in keyof T]: T[K] & { jobs: (account: Account, options: JobsOptions) => AnyJobs } };

/** Each flavor: a `Jobs` instance of an account, and a report the sandbox serves it with the parameters it needs. */
export const FLAVORS: WithJobs<typeof SANDBOX_EXPORTS> = SANDBOX_EXPORTS.map((flavor) => ({
  ...flavor,
  jobs: (account: Account, options: JobsOptions): AnyJobs => createJobs(CREATE_CLIENT[flavor.api](account) as never, options),
})) as never;
