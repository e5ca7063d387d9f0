// A worker in a process of its own, for the tests that kill it: `node worker-process.fixture.mjs <redisUrl> <queue> <sandboxUrl> <checkDelayMs>`,
// the token in IMPACT_AUTH_TOKEN (a worker's own configuration). Prints "ready" once it listens.
import { createClient } from "@impactkit/partner-v15";
import { createExportWorker } from "@impactkit/queue";

const [redisUrl, name, baseUrl, checkDelay] = process.argv.slice(2);
const authToken = process.env.IMPACT_AUTH_TOKEN;
const { worker } = createExportWorker({
  redisUrl,
  name,
  clients: { "partner-v15": (account, fetch) => createClient({ accountSid: account, authToken, baseUrl, fetch }) },
  checkDelayMs: () => Number(checkDelay),
  jobs: { requestTimeoutMs: 10_000_000 },
});
await worker.waitUntilReady();
console.log("ready");
