import { createHash, randomBytes } from "node:crypto";
import { link, lstat, mkdir, open, readFile, rename, rm, stat, unlink, writeFile } from "node:fs/promises";
import { hostname } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import type { JobsContext } from "../impact/context.js";
import { DEFAULTS } from "../base/defaults.js";
import { fetchParts, partsAllowed, WRITE_BATCH, WRITES_IN_FLIGHT, type ByteRange } from "./parts.js";
import { aborted } from "../base/abort.js";
import { DownloadError, InvalidArgumentError, JobAbortedError } from "../base/errors.js";
import { waitDeadline } from "../ops/wait-job.js";
import { FileSink } from "./file-sink.js";
import { validateJobId } from "../base/job-id.js";
import { inSpan } from "../base/tracing.js";
import { downloadAnswer } from "../result/download-answer.js";
import type { ResultOptions } from "../result/options.js";
import { transferResult, type ResultSink, type ResumePoint } from "../result/transfer.js";
import { discard } from "../http/attempt.js";

/**
 * What `download()` writes a job's result to and how: the target file and whether to replace it, whether a
 * broken transfer is kept to continue later (with `Range` and `If-Range`, RFC 9110 §14.2 and §13.1.5), and how
 * many connections fetch parts of it — besides the options of every result fetch (`ResultOptions`).
 */
export interface DownloadOptions extends ResultOptions {
  /** The file to write. Folders of its path that do not exist are created (as `mkdir -p` does). */
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
  /**
   * Connections that fetch parts of a large result at once, where storage serves byte ranges (default: the
   * instance's `connections`, 8); 1 reads it as one stream.
   */
  connections?: number;
}

/** What `download()` resolves with once the result is in place. */
export interface DownloadResult {
  /** The absolute path of the file written. */
  path: string;
  /** The bytes written to it. */
  bytes: number;
}

async function kind(path: string): Promise<"file" | "directory" | "special file" | "dangling link" | "missing"> {
  try {
    const stats = await stat(path);
    return stats.isFile() ? "file" : stats.isDirectory() ? "directory" : "special file";
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // ENOTDIR: a file stands where a folder of the path should be; the path does not exist.
    if (code !== "ENOENT" && code !== "ENOTDIR") throw error;
    return (await lstat(path).catch(() => undefined))?.isSymbolicLink() ? "dangling link" : "missing";
  }
}

/**
 * Checks a download target before any request: a file path in an existing folder — or, with `createFolders`,
 * in one that can be created: its nearest existing ancestor is a folder —, not an existing file unless
 * `overwrite`. Resolves to the absolute path; rejects with an `InvalidArgumentError` saying why not.
 * `download()` runs it first (with `createFolders`, and then creates them); callers that schedule an export
 * before downloading run it before that.
 */
export async function checkDownloadTarget(to: unknown, overwrite: boolean | undefined, options: { createFolders?: boolean } = {}): Promise<string> {
  if (typeof to !== "string" || to === "") throw new InvalidArgumentError("download needs `to`: the path of the file to write");
  const path = resolve(to);
  let folder = dirname(path);
  let found = await kind(folder);
  while (options.createFolders && found === "missing" && dirname(folder) !== folder) {
    folder = dirname(folder);
    found = await kind(folder);
  }
  if (found === "missing") throw new InvalidArgumentError(`cannot write ${path}: its folder ${folder} does not exist`);
  if (found !== "directory") throw new InvalidArgumentError(`cannot write ${path}: ${folder} is a ${found}, not a folder`);
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

/**
 * The temporary file of a download of `jobId` to `path`: beside the target, hidden, and named after
 * both (a hash, so that any legal target name still fits the 255-byte limit), so that a rerun of the
 * same download finds a stale one left by a killed process and removes it (or, with `resume`, continues
 * it). A process that must exit before the download can clean up removes this file itself. A second
 * download of the same job to the same path while one runs writes a file of its own instead.
 */
export function downloadTempPath(to: string, jobId: string): string {
  const path = resolve(to);
  return join(dirname(path), `.impactkit-${createHash("sha256").update(`${jobId}\0${path}`).digest("hex").slice(0, 16)}.part`);
}

/**
 * The temporary file a download writes while another download of the same job to the same path holds `temp`:
 * `.<pid>-<tag>.part` beside it, the writer's process id in its name.
 */
export const ownTempPath = (temp: string, pid: number, tag: string): string => `${temp.slice(0, -".part".length)}.${pid}-${tag}.part`;
/** A download's temporary file name (`downloadTempPath`, `ownTempPath`); the writer's process id for one of its own. */
const TEMP_NAME = /^\.impactkit-[0-9a-f]{16}(?:\.(\d+)-[0-9a-f]{8})?\.part$/;
/** Whether `name` is a download's temporary file name. */
export const isDownloadTemp = (name: string): boolean => TEMP_NAME.test(name);

/** The checkpoint of a resumable download: beside its temporary file. */
export const checkpointPath = (temp: string): string => `${temp}.json`;
/** Who writes a temporary file: `host pid`, beside it, created exclusively. */
const ownerPath = (temp: string) => `${temp}.owner`;

/**
 * The files a download of `jobId` to `to` keeps beside the target while it runs — its temporary file
 * (`downloadTempPath`) and the one saying which process writes it — for a process that must exit before the
 * download can remove them itself. (A resumable download's checkpoint is meant to stay.)
 */
export function downloadTempFiles(to: string, jobId: string): string[] {
  const temp = downloadTempPath(to, jobId);
  return [temp, ownerPath(temp)];
}
/**
 * This machine, as owner files name it; undefined where the runtime may not tell (Deno without `--allow-sys`):
 * then no owner is ever judged gone, and a download that finds another's files writes its own.
 */
let host: string | undefined | null = null;
const thisHost = (): string | undefined => {
  if (host === null) {
    try {
      host = hostname();
    } catch {
      host = undefined;
    }
  }
  return host;
};

/** The temporary files this process writes now. */
const writing: Set<string> = new Set<string>();

/**
 * Whether the process that wrote `owner` (`host pid`) is gone: only a process of this machine can be known
 * dead. An empty owner file is one whose writer was killed between creating and writing it (a claim reads its
 * file back, so a writer still at it loses the claim rather than share the file).
 */
function ownerGone(owner: string): boolean {
  if (owner === "") return true;
  const [writer, pid] = owner.split(" ");
  if (writer === undefined || writer !== thisHost() || !/^\d+$/.test(pid ?? "")) return false;
  try {
    process.kill(Number(pid), 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

/**
 * The temporary file this download writes: the job's and target's own (`downloadTempPath`), claimed with an
 * owner file created exclusively — or taken over from a process of this machine that is gone — else, while
 * another download writes it, a file of this download's own (not resumable), so that two downloads of one
 * job to one path (a queue step run twice) never share one.
 */
async function claimTemp(path: string, jobId: string): Promise<{ temp: string; shared: boolean; release(): Promise<void> }> {
  const temp = downloadTempPath(path, jobId);
  const owner = ownerPath(temp);
  for (let tries = 0; tries < 2 && !writing.has(temp); tries += 1) {
    try {
      const mine = `${thisHost() ?? "unknown"} ${process.pid}`;
      await writeFile(owner, mine, { flag: "wx" });
      // Another download that judged this file's writer gone (it was still empty) may have taken it over.
      if ((await readFile(owner, "utf8").catch(() => "")) !== mine) break;
      writing.add(temp);
      return {
        temp,
        shared: true,
        release: async () => {
          writing.delete(temp);
          await rm(owner, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      if (!ownerGone(await readFile(owner, "utf8").catch(() => ""))) break;
      await rm(owner, { force: true });
    }
  }
  const own = ownTempPath(temp, process.pid, randomBytes(4).toString("hex"));
  return { temp: own, shared: false, release: () => sweepGone(temp) };
}

/**
 * Whether nobody writes `temp` any more: not this process, and not its owner — the process named in the file's
 * name (one of its own) or in its owner file (the shared one) — which is known gone (`ownerGone`).
 */
export async function writerGone(temp: string): Promise<boolean> {
  if (writing.has(temp)) return false;
  const pid = TEMP_NAME.exec(basename(temp))?.[1];
  return ownerGone(pid === undefined ? await readFile(ownerPath(temp), "utf8").catch(() => "") : `${thisHost() ?? ""} ${pid}`);
}

/**
 * The shared temporary file of a download that wrote its own instead, once that download is over: if the
 * process that held it is gone by now (a worker killed mid-download while this one ran), nobody will finish
 * or remove it — its file, owner file and checkpoint go.
 */
async function sweepGone(temp: string): Promise<void> {
  if (!(await writerGone(temp))) return;
  await Promise.all([temp, checkpointPath(temp), `${checkpointPath(temp)}.new`, ownerPath(temp)].map((file) => rm(file, { force: true })));
}

/** Where a resumable download stopped: the version its checkpoint names, and the ranges of it already in the file. */
interface Saved {
  validator: string;
  total: number | undefined;
  /** Sorted, disjoint `[start, end)` ranges; one from 0 for a download read as one stream. */
  ranges: ByteRange[];
}

/**
 * The checkpoint a killed or failed download left, if it still describes its temporary file: `{ bytes }`
 * (a stream's first bytes) or `{ ranges }` (the parts in the file), each of the version `validator` names.
 */
async function readCheckpoint(temp: string): Promise<Saved | undefined> {
  try {
    const point = JSON.parse(await readFile(checkpointPath(temp), "utf8")) as { bytes?: unknown; ranges?: unknown; validator?: unknown; total?: unknown };
    const { validator, total } = point;
    const ranges = point.ranges === undefined ? [[0, point.bytes]] : point.ranges;
    if (typeof validator !== "string" || !Array.isArray(ranges) || ranges.length === 0) return undefined;
    let end = 0;
    for (const range of ranges as unknown[]) {
      if (!Array.isArray(range) || range.length !== 2 || !range.every(Number.isSafeInteger) || range[0] < end || range[1] <= range[0]) return undefined;
      end = range[1];
    }
    if (total !== null && !(Number.isSafeInteger(total) && (total as number) >= end)) return undefined;
    if ((await stat(temp)).size < end) return undefined;
    return { validator, total: total === null ? undefined : (total as number), ranges: ranges as ByteRange[] };
  } catch {
    return undefined;
  }
}

/** Records `saved` as the checkpoint: written aside, then renamed over the last one, so that a process killed meanwhile leaves the last one whole. */
async function writeCheckpoint(temp: string, saved: Saved): Promise<void> {
  const { validator, ranges } = saved;
  const total = saved.total ?? null;
  const prefix = ranges.length === 1 && ranges[0]![0] === 0;
  await writeFile(`${checkpointPath(temp)}.new`, JSON.stringify(prefix ? { bytes: ranges[0]![1], validator, total } : { ranges, validator, total }));
  await rename(`${checkpointPath(temp)}.new`, checkpointPath(temp));
}

/**
 * `sink` recording its checkpoints: only bytes already in the file count, and a restart forgets the
 * checkpoint first. `save()` records the last version seen once more, when the transfer stops.
 */
function checkpointed(sink: FileSink, temp: string): ResultSink & { save(): Promise<void> } {
  let last: { validator: string; total: number | undefined } | undefined;
  const checkpoint = async (version: { validator: string; total: number | undefined }) => {
    last = version;
    const bytes = await sink.finish();
    if (bytes > 0) await writeCheckpoint(temp, { ...version, ranges: [[0, bytes]] });
  };
  return {
    write: (chunk) => sink.write(chunk),
    async restart() {
      last = undefined;
      await rm(checkpointPath(temp), { force: true });
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
  return new DownloadError(`cannot write ${path}: ${DISK_ERRORS[code]} (${code})`, { cause: error, causeCode: code });
}

/**
 * Streams a job's result to disk in constant memory: into a temporary file beside the target, then an
 * atomic rename (or, without `overwrite`, a hard link that fails if the target appeared meanwhile).
 * A large result that storage serves in ranges is fetched in parts over `connections` connections
 * (`fetchParts`), each written where it belongs. Whatever happens — a failure, an abort, an exception
 * from `onProgress` — no partial file is left at the target, nor beside it unless `resume` keeps it for
 * the next attempt, and the published file has exactly the size the server announced. A span `jobs.download`
 * covers it, with its API calls (and a wait for the job) as children.
 */
export async function downloadJob(context: JobsContext, id: string, options: DownloadOptions): Promise<DownloadResult> {
  const jobId = validateJobId(id);
  return inSpan(
    "jobs.download",
    { "impactkit.job.id": jobId },
    () => download(context, jobId, options),
    (span, { bytes }) => span.setAttribute("impactkit.download.bytes", bytes),
  );
}

async function download(context: JobsContext, jobId: string, options: DownloadOptions): Promise<DownloadResult> {
  const { overwrite, signal } = options;
  const what = `Downloading job ${jobId}`;
  if (options.connections !== undefined && !(Number.isInteger(options.connections) && options.connections >= 1 && options.connections <= 32)) {
    throw new InvalidArgumentError(
      `connections must be a whole number from 1 to 32, got ${JSON.stringify(options.connections) ?? String(options.connections)}`,
    );
  }
  const connections = options.connections ?? context.connections;
  const path = await checkDownloadTarget(options.to, overwrite, { createFolders: true });
  await mkdir(dirname(path), { recursive: true }).catch((error: unknown) => Promise.reject(diskError(error, dirname(path))));
  const { temp, shared, release } = await claimTemp(path, jobId);
  const resume = options.resume === true && shared;
  const saved = resume ? await readCheckpoint(temp) : undefined;
  const leftovers = [checkpointPath(temp), `${checkpointPath(temp)}.new`];
  try {
    if (!saved) await Promise.all([temp, ...leftovers].map((file) => rm(file, { force: true })));
    const file = await open(temp, saved ? "r+" : "wx").catch((error: unknown) => Promise.reject(diskError(error, temp)));
    try {
      const maxAttempts = options.maxAttempts ?? DEFAULTS.downloadAttempts;
      /** The result in parts of the version `validator` names, those in `done` aside: `first` is an answer for all of it, to read the first part from. */
      const inParts = (
        at: { url: URL; refresh(): Promise<URL>; signal: AbortSignal },
        validator: string,
        total: number,
        done: readonly ByteRange[],
        first?: Response,
      ) =>
        fetchParts({
          context,
          jobId,
          file,
          connections,
          url: at.url,
          refresh: at.refresh,
          validator,
          total,
          done,
          signal: at.signal,
          maxAttempts,
          onProgress: options.onProgress,
          record: resume ? (ranges) => writeCheckpoint(temp, { validator, total, ranges: [...ranges] }) : undefined,
          ...(first ? { first } : {}),
        });
      const prefix = saved && saved.ranges.length === 1 && saved.ranges[0]![0] === 0 ? saved.ranges[0]![1] : undefined;
      // Parts an earlier download left are fetched as parts again, from a fresh URL; a changed object starts over.
      const resumed =
        saved && prefix === undefined && saved.total !== undefined
          ? await resumeParts(context, jobId, options, (at) => inParts(at, saved.validator, saved.total!, saved.ranges))
          : undefined;
      if (resumed !== "done") {
        if (resumed === "changed") await rm(checkpointPath(temp), { force: true });
        const from: ResumePoint | undefined = prefix !== undefined && saved ? { bytes: prefix, validator: saved.validator, total: saved.total } : undefined;
        await file.truncate(from?.bytes ?? 0);
        const sink = new FileSink(file, WRITE_BATCH, WRITES_IN_FLIGHT, undefined, from?.bytes);
        const resumable = resume ? checkpointed(sink, temp) : undefined;
        const parts: Pick<ResultSink, "parts"> =
          connections > 1
            ? {
                parts: async (offer) =>
                  partsAllowed(offer.response, offer.total) ? inParts(offer, offer.response.headers.get("etag")!, offer.total, [], offer.response) : "declined",
              }
            : {};
        try {
          await transferResult(
            context,
            jobId,
            options,
            { ...(resumable ?? { write: (chunk: Uint8Array) => sink.write(chunk), restart: () => sink.restart() }), ...parts },
            from,
          );
        } catch (error) {
          await resumable?.save().catch(() => undefined);
          throw error;
        }
        await sink.finish();
      }
    } finally {
      await file.close();
    }
    const bytes = (await stat(temp)).size;
    await publishFile(temp, path, overwrite === true);
    await Promise.all(leftovers.map((leftover) => rm(leftover, { force: true })));
    return { path, bytes };
  } catch (error) {
    if (!resume) await rm(temp, { force: true });
    if (signal?.aborted && !(error instanceof JobAbortedError)) throw aborted(what, signal);
    throw diskError(error, path);
  } finally {
    await release();
  }
}

/**
 * The parts a checkpoint left, fetched from a fresh signed URL (`fetch`): `undefined` when the API answers
 * with the bytes instead (`Mode=Stream`), which cannot be asked for in parts.
 */
async function resumeParts(
  context: JobsContext,
  jobId: string,
  options: DownloadOptions,
  fetch: (at: { url: URL; refresh(): Promise<URL>; signal: AbortSignal }) => Promise<"done" | "changed">,
): Promise<"done" | "changed" | undefined> {
  const controller = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, controller.signal]) : controller.signal;
  const deadline = waitDeadline(context, options.wait?.timeoutMs);
  const refresh = async (): Promise<URL | undefined> => {
    const answer = await downloadAnswer(context, jobId, options, deadline, signal);
    if ("location" in answer) return answer.location;
    await discard(answer.response);
    return undefined;
  };
  try {
    const url = await refresh();
    if (!url) return undefined;
    return await fetch({ url, refresh: async () => (await refresh()) ?? url, signal });
  } finally {
    controller.abort();
  }
}
