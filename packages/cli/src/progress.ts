import { SingleBar } from "cli-progress";
import type { DownloadOptions, DownloadResult, Job, Jobs, WaitOptions } from "@impactkit/jobs";
import type { Output } from "./output.js";
import { formatBytes, formatCount, formatSeconds } from "./human.js";
import { terminalLine } from "./terminal-text.js";

export interface Progress<T> {
  update(value: T): void;
  stop(): void;
}

/**
 * When a running job should finish, from how fast its percentage moved between the first check that saw it
 * running and the last (the pace it keeps), or undefined while that is not known.
 */
export function etaSeconds(first: { at: number; percent: number } | undefined, now: number, percent: number): number | undefined {
  if (!first || percent <= first.percent || now <= first.at) return undefined;
  return ((100 - percent) * (now - first.at)) / (percent - first.percent) / 1000;
}

/**
 * Job progress: on a terminal a bar with the job id, its status (`checking` until the first check
 * answers, not a QUEUED the API has not said), percent, records, the time waited and an ETA from the pace
 * of the percentage; a line per change otherwise; nothing with --json. The bar writes to the terminal
 * itself, so the server's status is cleaned (`terminalLine`) before it.
 */
export function jobProgress(output: Output, label: string, jobId: string, now: () => number = () => performance.now()): Progress<Job> {
  if (output.json) return { update: () => undefined, stop: () => undefined };
  if (!output.tty) {
    let last = "";
    return {
      update(job) {
        const line = `${label} ${job.Status} ${job.PercentageComplete ?? 0}% ${formatCount(job.RecordsProcessed ?? 0)} records`;
        if (line !== last) output.info((last = line));
      },
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({
    format: `${label} ${terminalLine(jobId)} {status} [{bar}] {percentage}% | {records} records | {duration_formatted} | ETA {left}`,
    stream: output.stderr as NodeJS.WriteStream,
    hideCursor: true,
    clearOnComplete: false,
    formatTime: (seconds: number) => formatSeconds(seconds),
  });
  bar.start(100, 0, { status: "checking", records: "0", left: "–" });
  let running: { at: number; percent: number } | undefined;
  return {
    update(job) {
      const percent = job.PercentageComplete ?? 0;
      if (job.Status === "RUNNING") running ??= { at: now(), percent };
      const eta = job.Status === "COMPLETED" ? 0 : etaSeconds(running, now(), percent);
      bar.update(percent, {
        status: terminalLine(job.Status),
        records: formatCount(job.RecordsProcessed ?? 0),
        left: eta === undefined ? "–" : formatSeconds(eta),
      });
    },
    stop: () => bar.stop(),
  };
}

/** How often a download's bar is redrawn at most: ten times a second, as cli-progress draws by default. */
export const REDRAW_MS = 100;

/** A gate that opens at most once per `ms` of `now()`: true when it opened. */
export function every(ms: number, now: () => number): () => boolean {
  let openedAt = Number.NEGATIVE_INFINITY;
  return () => {
    const time = now();
    if (time - openedAt < ms) return false;
    openedAt = time;
    return true;
  };
}

/** Download progress: bytes, rate (from the first bytes) and ETA on a terminal; a line every 10 % otherwise; nothing with --json. */
export function byteProgress(
  output: Output,
  label: string,
  now: () => number = () => performance.now(),
): Progress<{ bytes: number; total: number | undefined }> {
  if (output.json) return { update: () => undefined, stop: () => undefined };
  /** The first report of bytes: the rate counts from it, not from the wait for the first byte (a Download's 202s, a redirect, a slow start). */
  let first: { at: number; bytes: number } | undefined;
  const rate = (bytes: number) => {
    first ??= { at: now(), bytes };
    const seconds = (now() - first.at) / 1000;
    return seconds > 0 ? `${formatBytes((bytes - first.bytes) / seconds)}/s` : "–";
  };
  if (!output.tty) {
    let reported = -1;
    return {
      update({ bytes, total }) {
        const tenth = total ? Math.floor((bytes / total) * 10) : -1;
        if (tenth > reported) {
          reported = tenth;
          output.info(`${label} ${formatBytes(bytes)}${total ? ` of ${formatBytes(total)} (${tenth * 10}%)` : ""} at ${rate(bytes)}`);
        }
      },
      stop: () => undefined,
    };
  }
  const bar = new SingleBar({
    format: `${label} [{bar}] {percentage}% | {done} of {size} | {rate} | ETA {eta_formatted}`,
    stream: output.stderr as NodeJS.WriteStream,
    hideCursor: true,
    etaBuffer: 50,
    // cli-progress gives "NULL" or "INF" for an ETA it cannot estimate yet (no rate, no bytes): shown as "–".
    formatTime: (seconds: number | string) => (typeof seconds === "number" && Number.isFinite(seconds) ? formatSeconds(seconds) : "–"),
  });
  let shown = false;
  const due = every(REDRAW_MS, now);
  return {
    update({ bytes, total }) {
      // A transfer reports every network read (thousands a second): the bar takes at most one every REDRAW_MS, and the last.
      if (shown && bytes !== total && !due()) return;
      if (!shown) {
        bar.start(total ?? bytes, 0, { done: "0 B", size: total ? formatBytes(total) : "?", rate: "" });
        shown = true;
      }
      if (total === undefined) bar.setTotal(Math.max(bytes, 1));
      bar.update(bytes, { done: formatBytes(bytes), rate: rate(bytes) });
    },
    stop: () => shown && bar.stop(),
  };
}

/** `jobs.wait` with a job progress bar, stopped before the caller prints its result. */
export async function waitShowing(jobs: Jobs<{}>, id: string, output: Output, label: string, options: WaitOptions): Promise<Job> {
  const progress = jobProgress(output, label, id);
  try {
    return await jobs.wait(id, { ...options, onProgress: (job) => progress.update(job) });
  } finally {
    progress.stop();
  }
}

/** `jobs.download` with a byte progress bar, stopped before the caller prints its result. */
export async function downloadShowing(jobs: Jobs<{}>, id: string, output: Output, label: string, options: DownloadOptions): Promise<DownloadResult> {
  const progress = byteProgress(output, label);
  try {
    return await jobs.download(id, { ...options, onProgress: (bytes, total) => progress.update({ bytes, total }) });
  } finally {
    progress.stop();
  }
}
