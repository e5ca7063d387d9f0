import { createHash } from "node:crypto";
import { link, lstat, open, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import type { JobsContext } from "./context.js";
import { DownloadError, InvalidArgumentError, JobAbortedError } from "./errors.js";
import { FileSink } from "./file-sink.js";
import { validateJobId } from "./job-id.js";
import { transferResult, type ResultOptions, type ResultSink, type ResumePoint } from "./result-stream.js";

export interface DownloadOptions extends ResultOptions {
  /** The file to write. Its folder must exist. */
  to: string;
  /** Replace an existing file (default: refuse). */
  overwrite?: boolean;
  /**
   * Keep what was received when the download fails, is aborted or its process dies, and continue from it
   * the next time this job is downloaded to this path — by this process or another one that sees the same
   * folder. Beside the hidden temporary file (`downloadTempPath`), a checkpoint records the stored object's
   * validator and how many bytes are safely in the file; the next download asks for the rest with `Range`
   * and `If-Range` (RFC 9110 §14.2, §13.1.5), and starts over from byte 0 when the object changed or the
   * server cannot resume. Nothing partial ever appears at `to` (default: false — a failure removes the
   * temporary file, and a download removes one a killed process left).
   */
  resume?: boolean;
}

export interface DownloadResult {
  path: string;
  bytes: number;
}

async function kind(path: string): Promise<"file" | "directory" | "special file" | "dangling link" | "missing"> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? "file" : stats.isDirectory() ? "directory" : "special file";
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    return (await lstat(path).catch(() => undefined))?.isSymbolicLink() ? "dangling link" : "missing";
  }
}

/**
 * Checks a download target before any request: a file path in an existing folder, not an existing file
 * unless `overwrite`. Resolves to the absolute path; rejects with an `InvalidArgumentError` saying why not.
 * `download()` runs it first; callers that schedule an export before downloading run it before that.
 */
export async function checkDownloadTarget(to: unknown, overwrite: boolean | undefined): Promise<string> {
  if (typeof to !== "string" || to === "") throw new InvalidArgumentError("download needs `to`: the path of the file to write");
  const path = resolve(to);
  if ((await kind(dirname(path))) !== "directory") throw new InvalidArgumentError(`cannot write ${path}: its folder ${dirname(path)} does not exist`);
  const target = await kind(path);
  if (target === "directory" || target === "special file") throw new InvalidArgumentError(`cannot write ${path}: it is a ${target}`);
  if (target === "dangling link") throw new InvalidArgumentError(`cannot write ${path}: it is a symbolic link to a file that does not exist`);
  if (target === "file" && !overwrite) throw new InvalidArgumentError(`${path} exists; pass overwrite: true to replace it`);
  return path;
}

/** Moves `temp` to `path` unless `path` exists: a hard link is atomic; where links are unsupported, check then rename. */
async function publishWithoutOverwrite(temp: string, path: string): Promise<void> {
  const appeared = () => new InvalidArgumentError(`${path} appeared during the download; pass overwrite: true to replace it`);
  try {
    await link(temp, path);
    await unlink(temp);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") throw appeared();
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EXDEV") throw error;
    if ((await kind(path)) !== "missing") throw appeared();
    await rename(temp, path);
  }
}

/**
 * Moves a finished temporary file to `path`: over whatever is there with `overwrite`, else only while nothing
 * is (`publishWithoutOverwrite`: a file that appeared meanwhile is kept, with an `InvalidArgumentError`).
 * For any writer of a whole file that must never be seen half-written.
 */
export async function publishFile(temp: string, path: string, overwrite: boolean): Promise<void> {
  await (overwrite ? rename(temp, path) : publishWithoutOverwrite(temp, path));
}

/** Chunks are written in batches of this many bytes: one system call per 256 KiB rather than per network read. */
const WRITE_BATCH = 256 << 10;
/** Writes in flight at once once the disk is slow (see `FileSink`): it keeps busy while the network fills the next batch. */
const WRITES_IN_FLIGHT = 4;

/**
 * The temporary file of a download of `jobId` to `path`: beside the target, hidden, and named after
 * both (a hash, so that any legal target name still fits the 255-byte limit), so that a rerun of the
 * same download finds a stale one left by a killed process and removes it (or, with `resume`, continues
 * it). A process that must exit before the download can clean up removes this file itself.
 */
export function downloadTempPath(to: string, jobId: string): string {
  const path = resolve(to);
  return join(dirname(path), `.impactkit-${createHash("sha256").update(`${jobId}\0${path}`).digest("hex").slice(0, 16)}.part`);
}

/** The checkpoint of a resumable download: beside its temporary file. */
const checkpointPath = (temp: string) => `${temp}.json`;

/** The checkpoint a killed or failed download left, if it still describes its temporary file. */
async function readCheckpoint(temp: string): Promise<ResumePoint | undefined> {
  try {
    const point = JSON.parse(await readFile(checkpointPath(temp), "utf8")) as Partial<Record<keyof ResumePoint, unknown>>;
    const { bytes, validator, total } = point;
    if (typeof validator !== "string" || !Number.isSafeInteger(bytes) || (bytes as number) <= 0) return undefined;
    if (total !== null && !(Number.isSafeInteger(total) && (total as number) >= (bytes as number))) return undefined;
    if ((await stat(temp)).size < (bytes as number)) return undefined;
    return { bytes: bytes as number, validator, total: total === null ? undefined : (total as number) };
  } catch {
    return undefined;
  }
}

/**
 * `sink` recording its checkpoints: only bytes already in the file count, and a restart forgets the
 * checkpoint first. `save()` records the last version seen once more, when the transfer stops.
 */
function checkpointed(sink: FileSink, temp: string): ResultSink & { save(): Promise<void> } {
  const path = checkpointPath(temp);
  let last: { validator: string; total: number | undefined } | undefined;
  const checkpoint = async (version: { validator: string; total: number | undefined }) => {
    last = version;
    const bytes = await sink.finish();
    if (bytes === 0) return;
    // Written aside, then renamed over the last one: a process killed meanwhile leaves the last checkpoint whole.
    await writeFile(`${path}.new`, JSON.stringify({ bytes, validator: version.validator, total: version.total ?? null }));
    await rename(`${path}.new`, path);
  };
  return {
    write: (chunk) => sink.write(chunk),
    async restart() {
      last = undefined;
      await rm(path, { force: true });
      await sink.restart();
    },
    checkpoint,
    save: () => (last ? checkpoint(last) : Promise.resolve()),
  };
}

/** What the file-system errors a download can meet mean, in words (errno(3)). */
const DISK_ERRORS: Readonly<Record<string, string>> = {
  ENOSPC: "no space left on the device",
  EDQUOT: "the disk quota is exceeded",
  EACCES: "permission denied",
  EROFS: "the file system is read-only",
  EFBIG: "the file is too large for the file system",
  ENAMETOOLONG: "the name is too long",
};

/** A file-system failure as a `DownloadError` that names the path and says what happened. */
export function diskError(error: unknown, path: string): unknown {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (typeof code !== "string" || !(code in DISK_ERRORS)) return error;
  return new DownloadError(`cannot write ${path}: ${DISK_ERRORS[code]} (${code})`, { cause: error, code });
}

/**
 * Streams a job's result to disk in constant memory: into a temporary file beside the target, then an
 * atomic rename (or, without `overwrite`, a hard link that fails if the target appeared meanwhile).
 * Whatever happens — a failure, an abort, an exception from `onProgress` — no partial file is left at
 * the target, nor beside it unless `resume` keeps it for the next attempt, and the published file has
 * exactly the size the server announced.
 */
export async function downloadJob(context: JobsContext, id: string, options: DownloadOptions): Promise<DownloadResult> {
  const jobId = validateJobId(id);
  const { overwrite, signal } = options;
  const path = await checkDownloadTarget(options.to, overwrite);
  const temp = downloadTempPath(path, jobId);
  const from = options.resume ? await readCheckpoint(temp) : undefined;
  const leftovers = [checkpointPath(temp), `${checkpointPath(temp)}.new`];
  if (!from) await Promise.all([temp, ...leftovers].map((file) => rm(file, { force: true })));
  try {
    const file = await open(temp, from ? "r+" : "wx").catch((error: unknown) => Promise.reject(diskError(error, temp)));
    let bytes: number;
    try {
      if (from) await file.truncate(from.bytes);
      const sink = new FileSink(file, WRITE_BATCH, WRITES_IN_FLIGHT, undefined, from?.bytes);
      const resumable = options.resume ? checkpointed(sink, temp) : undefined;
      try {
        await transferResult(context, jobId, options, resumable ?? sink, from);
      } catch (error) {
        await resumable?.save().catch(() => undefined);
        throw error;
      }
      bytes = await sink.finish();
    } finally {
      await file.close();
    }
    await publishFile(temp, path, overwrite === true);
    await Promise.all(leftovers.map((file) => rm(file, { force: true })));
    return { path, bytes };
  } catch (error) {
    if (!options.resume) await rm(temp, { force: true });
    if (signal?.aborted && !(error instanceof JobAbortedError)) throw new JobAbortedError(`Downloading job ${jobId}`, signal.reason);
    throw diskError(error, path);
  }
}
