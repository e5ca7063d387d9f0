import { startSandbox, type SandboxOptions } from "@impactkit/sandbox";

/**
 * Runs a sandbox in its own process for the benchmarks, so that its work is not counted in the process
 * being measured. Options come as JSON in argv[2]; prints one JSON line with the URLs and the clock, and
 * stops when stdin closes.
 */
const options = JSON.parse(process.argv[2] ?? "{}") as SandboxOptions & { timeScale?: number };
const { timeScale, ...rest } = options;
const sandbox = await startSandbox({ ...rest, ...(timeScale ? { clock: { timeScale } } : { clock: "manual" }) });
process.stdout.write(`${JSON.stringify({ url: sandbox.url, storageUrl: sandbox.storageUrl, sandboxNow: sandbox.control.clock.now(), realNow: Date.now() })}\n`);
process.stdin.resume();
process.stdin.on("end", () => {
  const requests = sandbox.control.requests("api");
  process.stderr.write(`${JSON.stringify({ apiRequests: requests.length, rateLimited: requests.filter((request) => request.status === 429).length })}\n`);
  void sandbox.close().then(() => process.exit(0));
});
