import { basicAuthorization } from "@impactkit/core";
import { createClient } from "@impactkit/partner-v15";
import { DEFAULT_ACCOUNT } from "@impactkit/sandbox";
import { sandboxProcess } from "./processes.ts";
import { quantile, table } from "./stats.ts";

export interface OverheadResult {
  calls: number;
  clientMs: number;
  rawMs: number;
  /** The median over rounds of client time ÷ raw time (rounds alternate, so both see the same machine). */
  ratio: number;
}

/**
 * `calls` sequential `GET /Jobs/{JobId}` through the partner client against the same requests with raw
 * fetch (same URL and headers, JSON parsed), after a warm-up of both, in alternating rounds of 250.
 */
export async function overheadBench(calls: number): Promise<OverheadResult> {
  const sandbox = await sandboxProcess({ job: { queueMs: 0, runMs: 0, rows: 10 }, rateLimit: { perHour: 100_000_000 } });
  try {
    const client = createClient({ ...DEFAULT_ACCOUNT, baseUrl: sandbox.url });
    const { data } = await client.GET("/ReportExport/{Id}", {
      params: { path: { Id: "mp_action_listing_fast" }, query: { START_DATE: "2026-11-01", END_DATE: "2026-11-30" } },
    });
    const jobId = (data as { QueuedUri: string }).QueuedUri.split("/").at(-1)!;
    const url = `${client.accountUrl}/Jobs/${jobId}`;
    const headers = {
      Accept: "application/json",
      Authorization: basicAuthorization(DEFAULT_ACCOUNT.accountSid, DEFAULT_ACCOUNT.authToken),
      "IR-Version": "15",
    };
    const viaClient = async (n: number) => {
      for (let index = 0; index < n; index += 1)
        if (!(await client.GET("/Jobs/{JobId}", { params: { path: { JobId: jobId } } })).data) throw new Error("no job");
    };
    const viaFetch = async (n: number) => {
      for (let index = 0; index < n; index += 1) if (!((await (await fetch(url, { headers })).json()) as { Id?: string }).Id) throw new Error("no job");
    };
    await viaClient(Math.min(1_000, calls));
    await viaFetch(Math.min(1_000, calls));
    let clientMs = 0;
    let rawMs = 0;
    const ratios: number[] = [];
    const round = Math.min(250, calls);
    for (let done = 0; done < calls; done += round) {
      let started = performance.now();
      await viaClient(round);
      const client = performance.now() - started;
      started = performance.now();
      await viaFetch(round);
      const raw = performance.now() - started;
      clientMs += client;
      rawMs += raw;
      ratios.push(client / raw);
    }
    return { calls, clientMs, rawMs, ratio: quantile(ratios, 0.5) };
  } finally {
    await sandbox.stop();
  }
}

export function renderOverhead(result: OverheadResult): string {
  return [
    table(
      ["calls", "partner client", "raw fetch", "per call (client)", "per call (raw)", "client ÷ raw (median of rounds)"],
      [
        [
          result.calls.toLocaleString("en-US"),
          `${(result.clientMs / 1000).toFixed(2)} s`,
          `${(result.rawMs / 1000).toFixed(2)} s`,
          `${((result.clientMs / result.calls) * 1000).toFixed(0)} µs`,
          `${((result.rawMs / result.calls) * 1000).toFixed(0)} µs`,
          `${result.ratio.toFixed(2)}×`,
        ],
      ],
    ),
    "",
    `Target ≤ 1.15× — ${result.ratio <= 1.15 ? "met" : "**not met**"}. The sandbox (another process) answers both; its work is the same for both.`,
  ].join("\n");
}
