import { createClient as agencyClient } from "@impactkit/agency-v3";
import { createClient as brandClient } from "@impactkit/brand";
import { createClient as partnerClient, type ClientOptions } from "@impactkit/partner-v15";
import { createJobs, type Jobs } from "@impactkit/jobs";
import { UsageError } from "./exit-codes.js";

export const APIS = ["partner-v15", "agency-v3", "brand"] as const;
export type ApiName = (typeof APIS)[number];

/** The jobs of one account, through the client of the chosen flavor package. */
export function jobsFor(api: string, options: ClientOptions, jobsOptions: Parameters<typeof createJobs>[1]): Jobs<{}> {
  switch (api) {
    case "partner-v15":
      return createJobs(partnerClient(options), jobsOptions) as unknown as Jobs<{}>;
    case "agency-v3":
      return createJobs(agencyClient(options), jobsOptions) as unknown as Jobs<{}>;
    case "brand":
      return createJobs(brandClient(options), jobsOptions) as unknown as Jobs<{}>;
    default:
      throw new UsageError(`--api must be one of ${APIS.join(", ")}, got ${JSON.stringify(api)}`);
  }
}
