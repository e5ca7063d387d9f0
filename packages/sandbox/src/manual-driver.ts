import type { Sandbox } from "./sandbox.js";

/** Steps a client through a sandbox on the manual clock: see `manualDriver`. */
export interface ManualDriver {
  /** The `fetch` to give the client (`createClient({ fetch })`): it counts the requests in flight. */
  fetch: (request: Request) => Promise<Response>;
  /** Resolves once no request is in flight and the answers' continuations have run. */
  quiet: () => Promise<void>;
  /** Fires the sandbox's timers one at a time, each once the client is quiet, until `promise` settles; settles as it does. */
  drive: <T>(promise: Promise<T>) => Promise<T>;
}

/**
 * Drives a sandbox started with `clock: "manual"`: a client made with the driver's `fetch` counts its requests
 * in flight, and `drive` fires the sandbox's timers one at a time, each only once every request has been
 * answered and the answers' continuations have run — so that no timer (a poll's delay, a request timeout, a
 * wait's deadline) fires while a request, which takes no sandbox time, is still on its way. A test that
 * waits through a job this way gives the same result on any machine, however loaded.
 */
export function manualDriver(sandbox: Sandbox): ManualDriver {
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
    // Observed from the start: a rejection while the client settles down is the caller's, not an unhandled one.
    const ended = done.catch(() => undefined);
    for (;;) {
      await quiet();
      if (settled) return done;
      // The wait for a timer is given up once the promise settles: left waiting, it would fire a timer armed later.
      const settledFirst = new AbortController();
      const fired = sandbox.control.runNextTimer({ signal: settledFirst.signal }).catch((error: unknown) => {
        if (!settledFirst.signal.aborted) throw error;
      });
      await Promise.race([ended, fired]);
      settledFirst.abort();
    }
  };
  return { fetch: fetchCounted, quiet, drive };
}
