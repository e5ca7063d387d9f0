import { createClient } from "@impactkit/partner-v15";
import { createExportWorker } from "@impactkit/queue";
import { scaleAccount } from "./scale-accounts.ts";

/**
 * One worker process of the queue benchmark: `node queue-worker-child.ts <redisUrl> <sandboxUrl> <accounts>`.
 * Tokens come from the scale accounts' table (the worker's own configuration); prints "ready", stops when stdin closes.
 */
const [redisUrl, baseUrl, accountsArg] = process.argv.slice(2) as [string, string, string];
const tokens = new Map(
  Array.from({ length: Number(accountsArg) }, (_, index) => scaleAccount(index)).map(({ accountSid, authToken }) => [accountSid, authToken]),
);
const worker = createExportWorker({
  redisUrl,
  clients: { "partner-v15": (account, fetch) => createClient({ accountSid: account, authToken: tokens.get(account)!, baseUrl, fetch }) },
  concurrency: 8,
  checkDelayMs: () => 50,
  budget: { perHour: 10_000_000 },
  jobs: { requestTimeoutMs: 10_000_000 },
});
await worker.worker.waitUntilReady();
console.log("ready");
process.stdin.resume();
process.stdin.on("end", () => void worker.close().then(() => process.exit(0)));
