import type { DownloadOptions, DownloadResult, Jobs } from "@impactkit/jobs";
import type { CommandContext } from "./context.js";
import { downloadShowing } from "./progress.js";

/** `jobs.download` with a byte progress bar, its temporary file tracked (`PartialFiles`) until it settles. */
export async function downloadFile(jobs: Jobs<{}>, id: string, context: CommandContext, label: string, options: DownloadOptions): Promise<DownloadResult> {
  const untrack = context.partials.track(options.to, id);
  try {
    return await downloadShowing(jobs, id, context.output, label, options);
  } finally {
    untrack();
  }
}
