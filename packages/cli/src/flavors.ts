import { createClient as agencyClient } from "@impactkit/agency-v3";
import { createClient as brandClient } from "@impactkit/brand";
import { createClient as partnerClient, type ClientOptions } from "@impactkit/partner-v15";
import { createJobs, type Jobs } from "@impactkit/jobs";
import { UsageError } from "./exit-codes.js";

export const APIS = ["partner-v15", "agency-v3", "brand"] as const;
export type ApiName = (typeof APIS)[number];

/** A flavor package's client, as `createJobs` and the queue worker take it. */
export type FlavorClient = Parameters<typeof createJobs>[0];

const CLIENTS: Record<ApiName, (options: ClientOptions) => FlavorClient> = {
  "partner-v15": partnerClient,
  "agency-v3": agencyClient,
  brand: brandClient,
};

/** The client of the chosen flavor package for one account. */
export function clientFor(api: string, options: ClientOptions): FlavorClient {
  const make = (CLIENTS as Record<string, ((options: ClientOptions) => FlavorClient) | undefined>)[api];
  if (!make) throw new UsageError(`--api must be one of ${APIS.join(", ")}, got ${JSON.stringify(api)}`);
  return make(options);
}

/** The jobs of one account, through the client of the chosen flavor package. */
export function jobsFor(api: string, options: ClientOptions, jobsOptions: Parameters<typeof createJobs>[1]): Jobs<{}> {
  return createJobs(clientFor(api, options), jobsOptions) as unknown as Jobs<{}>;
}
