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
 * Drives a sandbox on its manual clock: clients made with `fetch` count the requests in flight, and `drive`
 * fires the sandbox's timers one at a time, each only once every request has been answered and the answers'
 * continuations have run — so that no timer (a request timeout, a wait's deadline) fires while a request
 * that takes no sandbox time is still on its way.
 */
export function manualDriver(sandbox: Sandbox): {
  fetch: (request: Request) => Promise<Response>;
  quiet: () => Promise<void>;
  drive: <T>(promise: Promise<T>) => Promise<T>;
} {
  let inFlight = 0;
  const fetchCounted = async (request: Request) => {
    inFlight += 1;
    try {
      return await fetch(request);
    } finally {
      inFlight -= 1;
    }
  };
  const quiet = async () => {
    for (let calm = 0; calm < 3; ) {
      await new Promise((resolve) => setImmediate(resolve));
      calm = inFlight === 0 ? calm + 1 : 0;
    }
  };
  const drive = async <T>(promise: Promise<T>): Promise<T> => {
    let settled = false;
    const done = promise.finally(() => (settled = true));
    for (;;) {
      await quiet();
      if (settled) return done;
      await Promise.race([done.catch(() => undefined), sandbox.control.runNextTimer()]);
    }
  };
  return { fetch: fetchCounted, quiet, drive };
}

/**
 * A partner client of the hostile account, pointed at `url`, with a custom header that must stay at the
 * API; with `fetch`, every call (a `Mode=Stream` Download included) goes through it.
 */
export function hostileClient(url: string, fetch?: (request: Request) => Promise<Response>): PartnerClient {
  return partnerClient({ ...HOSTILE_ACCOUNT, baseUrl: url, headers: { "X-Custom-Secret": "custom-9f2c" }, ...(fetch ? { fetch } : {}) });
}
