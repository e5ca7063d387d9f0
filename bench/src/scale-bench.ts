import { runChild, sandboxProcess } from "./processes.ts";
import { table } from "./stats.ts";

export interface ScaleResult {
  waits: number;
  completed: number;
  pollRequests: number;
  elapsedRealMs: number;
  elapsedSandboxMs: number;
  eventLoopDelayP99Ms: number;
  maxRssBytes: number;
  budgetPerHour: number;
  rateLimited: number;
}

/** `count` concurrent waits in one process against a sandbox in another, its clock `scale`× faster. */
export async function scaleBench(count: number, scale = 60, budgetPerHour = 400_000): Promise<ScaleResult> {
  const sandbox = await sandboxProcess({ timeScale: scale, job: { queueMs: 5_000, runMs: 300_000, rows: 10 }, rateLimit: { perHour: budgetPerHour, resetFormat: "seconds" } });
  let result: Omit<ScaleResult, "budgetPerHour" | "rateLimited">;
  try {
    result = await runChild("scale-child.ts", [sandbox.url, String(count), String(scale), String(sandbox.sandboxNow), String(sandbox.realNow)]);
  } finally {
    var counts = await sandbox.stop();
  }
  return { ...result, budgetPerHour, rateLimited: counts.rateLimited };
}

export function renderScale(result: ScaleResult): string {
  const ratePerHour = result.pollRequests / (result.elapsedSandboxMs / 3_600_000);
  return [
    table(
      ["concurrent waits", "completed", "poll requests", "per wait", "request rate (sandbox time)", "rate budget", "429s", "peak RSS", "event-loop delay p99", "wall time"],
      [[
        result.waits.toLocaleString("en-US"),
        result.completed.toLocaleString("en-US"),
        result.pollRequests.toLocaleString("en-US"),
        (result.pollRequests / result.waits).toFixed(2),
        `${Math.round(ratePerHour).toLocaleString("en-US")}/h`,
        `${result.budgetPerHour.toLocaleString("en-US")}/h`,
        String(result.rateLimited),
        `${(result.maxRssBytes / 1e6).toFixed(0)} MB`,
        `${result.eventLoopDelayP99Ms.toFixed(1)} ms`,
        `${(result.elapsedRealMs / 1000).toFixed(1)} s`,
      ]],
    ),
    "",
    "Each job runs 5 min 5 s of sandbox time; the sandbox runs in its own process, its clock faster than real time, and the waiting process's timers follow it.",
  ].join("\n");
}
