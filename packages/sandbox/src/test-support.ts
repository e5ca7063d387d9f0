import { createClient as agencyClient, type Client as AgencyClient } from "@impactkit/agency-v3";
import { createClient as brandClient, type Client as BrandClient } from "@impactkit/brand";
import { createClient as partnerClient, type Client as PartnerClient } from "@impactkit/partner-v15";
import { DEFAULT_ACCOUNT, type Sandbox, type SandboxAccount } from "./sandbox.js";

/** The three flavor clients, pointed at a sandbox with its default account. */
export function clientsFor(sandbox: Sandbox, account: SandboxAccount = DEFAULT_ACCOUNT): { partner: PartnerClient; agency: AgencyClient; brand: BrandClient } {
  const options = { accountSid: account.accountSid, authToken: account.authToken, baseUrl: sandbox.url };
  return { partner: partnerClient(options), agency: agencyClient(options), brand: brandClient(options) };
}

export const BASE_PATHS = { partner: "/Mediapartners", agency: "/Agencies", brand: "/Advertisers" } as const;

/** The JobId in the `QueuedUri` of an export's answer. */
export function queuedJobId(answer: unknown): string {
  const uri = (answer as { QueuedUri?: string } | undefined)?.QueuedUri;
  if (!uri) throw new Error(`not a queued job: ${JSON.stringify(answer)}`);
  return uri.split("/").at(-1)!;
}

/** Reads a whole body. */
export async function bytesOf(response: Response): Promise<Buffer> {
  return Buffer.from(await response.arrayBuffer());
}
