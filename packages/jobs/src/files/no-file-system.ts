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
export async function checkDownloadTarget(_to: unknown, _overwrite: boolean | undefined): Promise<string> {
  throw new InvalidArgumentError(`checkDownloadTarget() ${NO_FILES}`);
}

/** `downloadTempPath` where there are no files: throws, as `downloadJob` rejects. */
export function downloadTempPath(_to: string, _jobId: string): string {
  throw new InvalidArgumentError(`downloadTempPath() ${NO_FILES}`);
}

/** `downloadTempFiles` where there are no files: throws, as `downloadJob` rejects. */
export function downloadTempFiles(_to: string, _jobId: string): string[] {
  throw new InvalidArgumentError(`downloadTempFiles() ${NO_FILES}`);
}

/** `publishFile` where there are no files: rejects, as `downloadJob` does. */
export async function publishFile(_temp: string, _path: string, _overwrite: boolean): Promise<void> {
  throw new InvalidArgumentError(`publishFile() ${NO_FILES}`);
}

/** `records({ from })` where there are no files: rejects on the first read, as `downloadJob` does. */
export async function* fileRowsElsewhere(_path: string, _signal?: AbortSignal): AsyncGenerator<ResultRecord> {
  throw new InvalidArgumentError(`records({ from }) reads a file, which needs Node.js, Deno or Bun (their entry point of @impactkit/jobs); here, read the job's result with records(id)`);
}
