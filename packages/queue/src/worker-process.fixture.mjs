// A worker in a process of its own, for the tests that kill it:
// `node worker-process.fixture.mjs <redisUrl> <queue> <baseUrl> <checkDelayMs> [lockDurationMs] [listTickMs]`.
// Tokens come from the worker's own configuration: IMPACT_AUTH_TOKEN_<AccountSID>, else IMPACT_AUTH_TOKEN.
// Prints "ready" once it listens; with IMPACTKIT_HANDLE_SIGNALS=1, SIGTERM and SIGINT close it, and it prints "closed".
import { createClient } from "@impactkit/partner-v15";
import { createExportWorker } from "@impactkit/queue";

const [redisUrl, name, baseUrl, checkDelay, lockDuration, listTick] = process.argv.slice(2);
const tokenOf = (account) => process.env[`IMPACT_AUTH_TOKEN_${account}`] ?? process.env.IMPACT_AUTH_TOKEN;
const handleSignals = process.env.IMPACTKIT_HANDLE_SIGNALS === "1";
const { worker, closed } = createExportWorker({
  handleSignals,
  redisUrl,
  name,
  clients: { "partner-v15": (account, fetch) => createClient({ accountSid: account, authToken: tokenOf(account), baseUrl, fetch }) },
  checkDelayMs: () => Number(checkDelay),
  ...(lockDuration ? { lockDurationMs: Number(lockDuration) } : {}),
  ...(listTick ? { listTickMs: Number(listTick) } : {}),
  jobs: { requestTimeoutMs: 10_000_000, idleTimeoutMs: 10_000_000 },
});
await worker.waitUntilReady();
console.log("ready");
if (handleSignals) {
  await closed;
  console.log("closed");
}
