import { readFileSync } from "node:fs";
import { startSandbox, type JobPlan, type SandboxOptions } from "@impactkit/sandbox";

/**
 * Runs a sandbox in its own process for the benchmarks, so that its work is not counted in the process
 * being measured. Options come as a JSON file named by argv[2] (`planned`: the plans of the first jobs, in
 * order); prints one JSON line with the URLs and the clock, and stops when stdin closes.
 */
const options = JSON.parse(process.argv[2] ? readFileSync(process.argv[2], "utf8") : "{}") as SandboxOptions & {
  timeScale?: number;
  planned?: Array<Partial<JobPlan>>;
};
const { timeScale, planned, ...rest } = options;
const sandbox = await startSandbox({ ...rest, ...(timeScale ? { clock: { timeScale } } : { clock: "manual" }) });
for (const plan of planned ?? []) sandbox.control.planNext(plan);
process.stdout.write(`${JSON.stringify({ url: sandbox.url, storageUrl: sandbox.storageUrl, sandboxNow: sandbox.control.clock.now(), realNow: Date.now() })}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  const requests = sandbox.control.requests("api");
  process.stderr.write(`${JSON.stringify({ apiRequests: requests.length, rateLimited: requests.filter((request) => request.status === 429).length })}\n`);
  void sandbox.close().then(() => process.exit(0));
});
