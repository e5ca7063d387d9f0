import { dirname } from "node:path";
import type { DownloadOptions, DownloadResult, Jobs } from "@impactkit/jobs";
import { downloadTempPath, leftDownloads } from "@impactkit/jobs/files";
import type { CommandContext } from "./context.js";
import { formatBytes } from "./human.js";
import { downloadShowing } from "./progress.js";

/** `--resume` of a command that downloads to a file. */
export const RESUME_OPTION: readonly [string, string] = [
  "--resume",
  "keep what was received if the download is interrupted or killed, and continue it when the same command runs again",
];

/**
 * Names the temporary files earlier downloads left in the target's folder (a process killed mid-download
 * cannot remove its own): this download's own, which it continues with `resume` and starts over without, and
 * any other, which only the same download with `--resume` can use.
 */
async function nameLeftovers(id: string, to: string, resume: boolean, context: CommandContext): Promise<void> {
  const own = downloadTempPath(to, id);
  for (const left of await leftDownloads(dirname(to))) {
    const size = formatBytes(left.bytes);
    if (left.path !== own)
      context.output.notice(
        `warning: ${left.path} (${size}) was left by an interrupted download${left.resumable ? "; the same download with --resume continues it" : ""}; delete it if it is not needed`,
      );
    else if (resume && left.resumable) context.output.notice(`continuing the interrupted download of job ${id} to ${to} from ${size} in ${left.path}`);
    else
      context.output.notice(
        `warning: starting over the interrupted download of job ${id} to ${to} (${size} in ${left.path})${resume ? "" : "; --resume keeps it next time"}`,
      );
  }
}

/**
 * `jobs.download` with a byte progress bar. Without `resume`, its temporary file is tracked (`PartialFiles`)
 * until it settles, so a forced exit removes it; with `resume` it is kept, with its checkpoint, for the next run.
 */
export async function downloadFile(jobs: Jobs<{}>, id: string, context: CommandContext, label: string, options: DownloadOptions): Promise<DownloadResult> {
  const resume = options.resume === true;
  await nameLeftovers(id, options.to, resume, context);
  const untrack = resume ? () => undefined : context.partials.track(options.to, id);
  try {
    return await downloadShowing(jobs, id, context.output, label, options);
  } catch (error) {
    const kept = resume ? (await leftDownloads(dirname(options.to))).find((left) => left.path === downloadTempPath(options.to, id)) : undefined;
    if (kept?.resumable) context.output.notice(`kept ${formatBytes(kept.bytes)} of job ${id} in ${kept.path}; the same command continues it`);
    throw error;
  } finally {
    untrack();
  }
}
