import type { JobsContext } from "../impact/context.js";
import type { DownloadOptions, DownloadResult } from "./download.js";
import { InvalidArgumentError } from "../base/errors.js";
import type { ResultRecord } from "../result/records.js";

/** Why a file operation is refused on a runtime without a file system, and what to use instead. */
const NO_FILES = "writes a file, which needs Node.js, Deno or Bun (their entry point of @impactkit/jobs); here, read the result with stream() or records()";

/** `downloadJob` where there are no files (browsers, Workers): rejects, naming what to use instead. */
export async function downloadJob(_context: JobsContext, _id: string, _options: DownloadOptions): Promise<DownloadResult> {
  throw new InvalidArgumentError(`download() ${NO_FILES}`);
}

/** `checkDownloadTarget` where there are no files: rejects, as `downloadJob` does. */
export async function checkDownloadTarget(_to: unknown, _overwrite: boolean | undefined, _options?: { createFolders?: boolean }): Promise<string> {
  throw new InvalidArgumentError(`checkDownloadTarget() ${NO_FILES}`);
}

/** `records({ from })` where there are no files: rejects on the first read, as `downloadJob` does. */
// biome-ignore lint/correctness/useYield: it has no row to give; its first read rejects.
export async function* fileRowsElsewhere(_path: string, _signal?: AbortSignal): AsyncGenerator<ResultRecord, void, undefined> {
  throw new InvalidArgumentError(
    `records({ from }) reads a file, which needs Node.js, Deno or Bun (their entry point of @impactkit/jobs); here, read the job's result with records(id)`,
  );
}
