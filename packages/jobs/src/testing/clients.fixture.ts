import { createClient as agencyClient, type Client as AgencyClient } from "@impactkit/agency-v3";
import { createClient as brandClient, type Client as BrandClient } from "@impactkit/brand";
import { createClient as partnerClient, type Client as PartnerClient } from "@impactkit/partner-v15";
import { createClient as partnerV16Client, type Client as PartnerV16Client } from "@impactkit/partner-v16";
import { DEFAULT_ACCOUNT, type Sandbox } from "@impactkit/sandbox";

/** The account of the clients that talk to servers a test writes. */
export const HOSTILE_ACCOUNT = { accountSid: "IRHOSTILE0001", authToken: "hostile-token-7f3a" };

/** The flavor clients, pointed at a sandbox. */
export function clientsFor(
  sandbox: Sandbox,
  extraHeaders: Record<string, string> = {},
): { partner: PartnerClient; partnerV16: PartnerV16Client; agency: AgencyClient; brand: BrandClient } {
  const options = { ...DEFAULT_ACCOUNT, baseUrl: sandbox.url, headers: extraHeaders };
  return { partner: partnerClient(options), partnerV16: partnerV16Client(options), agency: agencyClient(options), brand: brandClient(options) };
}

/**
 * With sandbox time 1,000× faster than real time, the default 60 s request timeout is 60 real ms, which a
 * loaded machine exceeds; end-to-end tests give requests 10 real seconds.
 */
export const SLOW_MACHINE_MS = 10_000_000;

/**
 * A partner client of the hostile account, pointed at `url`, with a custom header that must stay at the
 * API; with `fetch`, every call (a `Mode=Stream` Download included) goes through it.
 */
export function hostileClient(url: string, fetch?: (request: Request) => Promise<Response>): PartnerClient {
  return partnerClient({ ...HOSTILE_ACCOUNT, baseUrl: url, headers: { "X-Custom-Secret": "custom-9f2c" }, ...(fetch ? { fetch } : {}) });
}
