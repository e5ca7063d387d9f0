import { readdir, readFile, stat } from "node:fs/promises";
import { join, resolve } from "node:path";
import { checkpointPath, ownerGone, ownerPath, thisHost, writing } from "./download.js";

/** A download's temporary file that no process writes any more: its process was killed, or its machine went down. */
export interface LeftDownload {
  /** The hidden temporary file (`downloadTempPath`). */
  path: string;
  /** How many bytes it holds. */
  bytes: number;
  /** Whether a checkpoint is beside it: the same download (same job, same target) with `resume: true` continues it. */
  resumable: boolean;
}

/** A download's temporary file: the job's and target's own, or one a download wrote while another held that one (`.<pid>-<random>.part`). */
const TEMP_NAME = /^\.impactkit-[0-9a-f]{16}(?:\.(\d+)-[0-9a-f]{8})?\.part$/;

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
    const match = TEMP_NAME.exec(name);
    const path = join(folder, name);
    if (!match || writing.has(path)) continue;
    const owner = match[1] === undefined ? await readFile(ownerPath(path), "utf8").catch(() => "") : `${thisHost() ?? ""} ${match[1]}`;
    if (!ownerGone(owner)) continue;
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
