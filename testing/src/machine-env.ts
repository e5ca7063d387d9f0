/**
 * What a child process needs of this machine's environment and nothing of the user's settings (no `IMPACT_*`,
 * no `HOME`, no proxy): the `PATH`, the time zone and the clock (`TZ`, and libfaketime's `LD_PRELOAD` and
 * `FAKETIME*` when the tests run at another date), and the certificate authorities Node.js and OpenSSL trust.
 * A test that spawns a program with a hand-made environment starts from this, so the child lives on the same
 * date, in the same zone, as the test that checks it.
 */
export function machineEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && MACHINE.test(name)) kept[name] = value;
  }
  return kept;
}

const MACHINE = /^(PATH|TZ|LD_PRELOAD|FAKETIME\w*|DONT_FAKE_MONOTONIC|NODE_EXTRA_CA_CERTS|SSL_CERT_FILE|SSL_CERT_DIR)$/;
