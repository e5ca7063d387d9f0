import { readdir, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { checkpointPath, isDownloadTemp, writerGone } from "./download.js";

/** A download's temporary file that no process writes any more: its process was killed, or its machine went down. */
export interface LeftDownload {
  /** The hidden temporary file (`downloadTempPath`). */
  path: string;
  /** How many bytes it holds. */
  bytes: number;
  /** Whether a checkpoint is beside it: the same download (same job, same target) with `resume: true` continues it. */
  resumable: boolean;
}

/**
 * The temporary files in `dir` that downloads left behind, for a tool to name or remove: those whose writer is
 * gone (a process of this machine that no longer runs, or an owner file never written). Files another running
 * download writes are not listed; neither is a file whose writer cannot be known gone (another machine's).
 */
export async function leftDownloads(dir: string): Promise<LeftDownload[]> {
  const folder = resolve(dir);
  const names = await readdir(folder).catch(() => []);
  const left: LeftDownload[] = [];
  for (const name of names) {
    const path = join(folder, name);
    if (!isDownloadTemp(name) || !(await writerGone(path))) continue;
    const stats = await stat(path).catch(() => undefined);
    if (!stats?.isFile()) continue;
    const resumable = await stat(checkpointPath(path)).then(
      (checkpoint) => checkpoint.isFile(),
      () => false,
    );
    left.push({ path, bytes: stats.size, resumable });
  }
  return left;
}
