import type { ClientOptions, ImpactClient } from "@impactkit/core";
import { createJobs, type Jobs, type JobsPaths } from "@impactkit/jobs";
import { UsageError } from "./exit-codes.js";
import { FLAVOR_PACKAGES, type FlavorId } from "./generated/flavors.js";

/** Every flavor `--api` takes: every flavor package of `specs/flavors.json`, in its order. */
export const APIS: readonly FlavorId[] = Object.keys(FLAVOR_PACKAGES) as FlavorId[];
export type ApiName = FlavorId;

/** A flavor package's client, as `createJobs` and the queue worker take it: one with the Jobs operations every flavor shares. */
export type FlavorClient = ImpactClient<JobsPaths>;

/** The client of the chosen flavor package for one account. */
export function clientFor(api: string, options: ClientOptions): FlavorClient {
  const flavor = (FLAVOR_PACKAGES as Record<string, { createClient(options: ClientOptions): FlavorClient } | undefined>)[api];
  if (!flavor) throw new UsageError(`--api must be one of ${APIS.join(", ")}, got ${JSON.stringify(api)}`);
  return flavor.createClient(options);
}

/** The jobs of one account, through the client of the chosen flavor package. */
export function jobsFor(api: string, options: ClientOptions, jobsOptions: Parameters<typeof createJobs>[1]): Jobs<{}> {
  return createJobs(clientFor(api, options), jobsOptions) as unknown as Jobs<{}>;
}
