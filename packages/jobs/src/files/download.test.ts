import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startSandbox, type Sandbox } from "@impactkit/sandbox";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createJobs } from "../api/create-jobs.js";
import { checkDownloadTarget, diskError, downloadTempPath } from "./download.js";
import { DownloadError, InvalidArgumentError, JobAbortedError } from "../base/errors.js";
import { rejection } from "../testing.js";
import { SLOW_MACHINE_MS, clientsFor } from "../testing/clients.fixture.js";

const SCALE = 1_000;
const SECRET = "custom-credential-9f2c";
let sandbox: Sandbox;
let dir: string;
let jobId: string;

const jobs = () =>
  createJobs(clientsFor(sandbox, { "X-Api-Key": SECRET }).brand, {
    timing: sandbox.control.timers(),
    requestTimeoutMs: SLOW_MACHINE_MS,
    timeoutMs: 86_400_000,
  });
const sha256 = (path: string) => createHash("sha256").update(readFileSync(path)).digest("hex");

beforeAll(async () => {
  sandbox = await startSandbox({ clock: { timeScale: SCALE }, job: { queueMs: 0, runMs: 2_000, rows: 60_000 } });
  jobId = (await jobs().exportReport("4222", {})).id;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "impactkit-download-"));
  sandbox.control.clearFaults();
  sandbox.control.clearRequests();
});
afterAll(async () => {
  expect(sandbox.control.violations()).toEqual([]);
  await sandbox.close();
});

/** Nothing but the expected files in the download folder: no partial or temporary file. */
const filesIn = () => readdirSync(dir).sort();

describe("download", () => {
  it("fetches the signed URL itself, without the API credentials or custom headers", async () => {
    const fresh = await jobs().exportReport("4222", { SUBAID: 5 });
    const target = join(dir, "result.csv");
    await jobs().download(fresh.id, { to: target });
    expect(sha256(target)).toBe((await sandbox.control.result(fresh.id)).sha256);
    const api = sandbox.control.requests("api").filter((request) => request.path.endsWith("/Download"));
    expect(api.map((request) => request.status)).toContain(302);
    const storage = sandbox.control.requests("storage");
    expect(storage.length).toBeGreaterThan(0);
    for (const request of storage) {
      expect(Object.keys(request.headers)).not.toContain("authorization");
      expect(Object.keys(request.headers)).not.toContain("x-api-key");
      expect(JSON.stringify(request)).not.toContain(SECRET);
    }
    expect(filesIn()).toEqual(["result.csv"]);
  });

  it("resumes a truncated transfer with Range from where it broke", async () => {
    sandbox.control.inject({ route: "storage", fault: { kind: "truncate", fraction: 0.4 } });
    const target = join(dir, "resumed.csv");
    const result = await jobs().download(jobId, { to: target });
    const truth = await sandbox.control.result(jobId);
    expect(result.bytes).toBe(truth.size);
    expect(sha256(target)).toBe(truth.sha256);
    const storage = sandbox.control.requests("storage");
    expect(storage).toHaveLength(2);
    expect(storage[0]!.fault).toBe("truncate");
    const resumedFrom = Number(/^bytes=(\d+)-$/.exec(storage[1]!.headers["range"] ?? "")?.[1]);
    expect(resumedFrom).toBeGreaterThan(0);
    expect(resumedFrom).toBeLessThanOrEqual(Math.floor(truth.size * 0.4));
    expect(storage[1]!.status).toBe(206);
  });

  it("asks for a fresh URL when the signed one has expired", async () => {
    sandbox.control.inject({ route: "downloadJob", fault: { kind: "expired-url" } });
    const target = join(dir, "fresh.csv");
    await jobs().download(jobId, { to: target });
    expect(sha256(target)).toBe((await sandbox.control.result(jobId)).sha256);
    expect(sandbox.control.requests("storage").map((request) => request.status)).toEqual([403, 200]);
  });

  it("restarts a cut Mode=Stream transfer, which has no validator to resume against, from byte 0", async () => {
    sandbox.control.inject({ route: "downloadJob", fault: { kind: "truncate", fraction: 0.5 } });
    const target = join(dir, "streamed.csv");
    await jobs().download(jobId, { to: target, mode: "stream" });
    expect(sha256(target)).toBe((await sandbox.control.result(jobId)).sha256);
    expect(sandbox.control.requests("storage")).toEqual([]);
  });

  it("retries storage errors and resets", async () => {
    sandbox.control.inject({ route: "storage", fault: { kind: "status", status: 503 } });
    sandbox.control.inject({ route: "storage", fault: { kind: "reset" } });
    const target = join(dir, "retried.csv");
    await jobs().download(jobId, { to: target });
    expect(sha256(target)).toBe((await sandbox.control.result(jobId)).sha256);
  });

  it("gives up after maxAttempts with a DownloadError and leaves no file behind", async () => {
    sandbox.control.inject({ route: "storage", fault: { kind: "truncate", fraction: 0.3 }, times: 10 });
    const target = join(dir, "never.csv");
    const error = await rejection(jobs().download(jobId, { to: target, maxAttempts: 2 }));
    expect(error).toBeInstanceOf(DownloadError);
    expect((error as Error).message).toMatch(/failed 3 times; last: (transfer broke after \d+ bytes|truncated at \d+ of \d+ bytes)/);
    expect(filesIn()).toEqual([]);
  });

  it("stops at once on abort and leaves no file behind", async () => {
    sandbox.control.inject({ route: "storage", fault: { kind: "slow", bytesPerSecond: 20_000 } });
    const controller = new AbortController();
    const target = join(dir, "aborted.csv");
    const download = jobs().download(jobId, {
      to: target,
      signal: controller.signal,
      onProgress: (bytes) => bytes > 4_000 && controller.abort(new Error("stop")),
    });
    await expect(download).rejects.toBeInstanceOf(JobAbortedError);
    expect(filesIn()).toEqual([]);
  });

  it("refuses a bad target before any request, losing nothing", async () => {
    writeFileSync(join(dir, "existing.csv"), "keep me");
    mkdirSync(join(dir, "folder"));
    const cases: Array<[string, RegExp]> = [
      [join(dir, "existing.csv"), /exists; pass overwrite: true to replace it/],
      [join(dir, "folder"), /it is a directory/],
      [join(dir, "existing.csv", "x.csv"), /x\.csv: .*existing\.csv is a file, not a folder$/],
      [join(dir, "existing.csv", "deeper", "x.csv"), /x\.csv: .*existing\.csv is a file, not a folder$/],
      ["", /download needs `to`/],
    ];
    for (const [to, message] of cases) {
      const error = await rejection(jobs().download(jobId, { to }));
      expect(error).toBeInstanceOf(InvalidArgumentError);
      expect((error as Error).message).toMatch(message);
    }
    await expect(jobs().download("../x", { to: join(dir, "x.csv") })).rejects.toBeInstanceOf(InvalidArgumentError);
    expect(sandbox.control.requests()).toEqual([]);
    expect(readFileSync(join(dir, "existing.csv"), "utf8")).toBe("keep me");
    expect(filesIn()).toEqual(["existing.csv", "folder"]);
  });

  it("creates the folders of its target that do not exist, as mkdir -p does", async () => {
    const target = join(dir, "out", "2026", "actions.csv");
    const { path } = await jobs().download(jobId, { to: target });
    expect(path).toBe(target);
    expect(sha256(target)).toBe((await sandbox.control.result(jobId)).sha256);
    expect(filesIn()).toEqual(["out"]);
    expect(readdirSync(join(dir, "out", "2026"))).toEqual(["actions.csv"]);
  });

  it("checkDownloadTarget refuses a missing folder unless asked to allow it", async () => {
    const target = join(dir, "later", "x.csv");
    await expect(checkDownloadTarget(target, false)).rejects.toThrow(/its folder .*later does not exist/);
    await expect(checkDownloadTarget(target, false, { createFolders: true })).resolves.toBe(target);
    expect(filesIn()).toEqual([]);
  });

  it("replaces an existing file only with overwrite: true", async () => {
    const target = join(dir, "replace.csv");
    writeFileSync(target, "old");
    await jobs().download(jobId, { to: target, overwrite: true });
    expect(sha256(target)).toBe((await sandbox.control.result(jobId)).sha256);
    expect(filesIn()).toEqual(["replace.csv"]);
  });

  it("writes a 250-byte file name (its temporary file's name is short)", async () => {
    const target = join(dir, `${"a".repeat(246)}.csv`);
    await jobs().download(jobId, { to: target });
    expect(sha256(target)).toBe((await sandbox.control.result(jobId)).sha256);
    expect(filesIn()).toEqual([`${"a".repeat(246)}.csv`]);
  });

  it("refuses a dangling symbolic link before any request", async () => {
    symlinkSync(join(dir, "nowhere.csv"), join(dir, "link.csv"));
    const error = await rejection(jobs().download(jobId, { to: join(dir, "link.csv") }));
    expect(error).toBeInstanceOf(InvalidArgumentError);
    expect((error as Error).message).toMatch(/link\.csv: it is a symbolic link to a file that does not exist/);
    expect(sandbox.control.requests()).toEqual([]);
  });

  it("a rerun removes the temporary file a killed download left, named after the job and target", async () => {
    const target = join(dir, "rerun.csv");
    const stale = downloadTempPath(target, jobId);
    writeFileSync(stale, "half of an earlier download");
    expect(downloadTempPath(target, jobId)).toBe(stale);
    expect(downloadTempPath(target, "00000000-0000-4000-8000-000000000000")).not.toBe(stale);
    await jobs().download(jobId, { to: target });
    expect(sha256(target)).toBe((await sandbox.control.result(jobId)).sha256);
    expect(filesIn()).toEqual(["rerun.csv"]);
  });

  describe("with resume", () => {
    /** Starts a resumable download on slow storage and aborts it once `bytes` arrived: its temporary file and checkpoint stay. */
    async function interrupted(id: string, target: string, bytes: number): Promise<void> {
      sandbox.control.inject({ route: "storage", fault: { kind: "slow", bytesPerSecond: 400_000 } });
      const controller = new AbortController();
      const download = jobs().download(id, {
        to: target,
        resume: true,
        signal: controller.signal,
        onProgress: (received) => received > bytes && controller.abort(new Error("killed")),
      });
      await expect(download).rejects.toBeInstanceOf(JobAbortedError);
      sandbox.control.clearFaults();
      sandbox.control.clearRequests();
    }

    it("keeps what an interrupted download received and the next one asks only for the rest of that version", async () => {
      const target = join(dir, "resumable.csv");
      const temp = downloadTempPath(target, jobId);
      await interrupted(jobId, target, 200_000);
      expect(filesIn()).toEqual([temp, `${temp}.json`].map((path) => path.slice(dir.length + 1)).sort());
      const checkpoint = JSON.parse(readFileSync(`${temp}.json`, "utf8")) as { bytes: number; validator: string };
      expect(checkpoint.bytes).toBeGreaterThan(200_000);
      const truth = await sandbox.control.result(jobId);
      const result = await jobs().download(jobId, { to: target, resume: true });
      expect(result.bytes).toBe(truth.size);
      expect(sha256(target)).toBe(truth.sha256);
      const [storage] = sandbox.control.requests("storage");
      expect(storage!.headers).toMatchObject({ range: `bytes=${checkpoint.bytes}-`, "if-range": checkpoint.validator });
      expect(storage!.status).toBe(206);
      expect(filesIn()).toEqual(["resumable.csv"]);
    });

    it("starts over from byte 0 when the stored object changed meanwhile (If-Range did not match)", async () => {
      const changing = (await jobs().exportReport("4222", { SUBAID: 77 })).id;
      const target = join(dir, "changed.csv");
      await interrupted(changing, target, 100_000);
      sandbox.control.inject({ route: "storage", fault: { kind: "object-changed" } });
      await jobs().download(changing, { to: target, resume: true });
      expect(sha256(target)).toBe((await sandbox.control.result(changing)).sha256);
      // The resumed request (Range + If-Range of the old version) got the whole new version; a loaded machine may cut and resume that one too.
      expect(sandbox.control.requests("storage").map((request) => [request.status, request.headers["range"] !== undefined])[0]).toEqual([200, true]);
      expect(filesIn()).toEqual(["changed.csv"]);
    });

    it("ignores a checkpoint that does not describe its temporary file, and a download without resume removes both", async () => {
      const target = join(dir, "stale.csv");
      const temp = downloadTempPath(target, jobId);
      writeFileSync(temp, "short");
      writeFileSync(`${temp}.json`, JSON.stringify({ bytes: 1_000, validator: '"v1"', total: 2_000 }));
      await jobs().download(jobId, { to: target, resume: true });
      expect(sha256(target)).toBe((await sandbox.control.result(jobId)).sha256);
      expect(sandbox.control.requests("storage")[0]!.headers["range"]).toBeUndefined();
      await interrupted(jobId, join(dir, "plain.csv"), 100_000);
      await jobs().download(jobId, { to: join(dir, "plain.csv") });
      expect(filesIn()).toEqual(["plain.csv", "stale.csv"]);
    });
  });

  it("names a full disk, a read-only file system or a denied write, with the path", () => {
    const error = diskError(Object.assign(new Error("ENOSPC: no space left on device, write"), { code: "ENOSPC" }), "/data/out.csv") as DownloadError;
    expect(error).toBeInstanceOf(DownloadError);
    expect(error).toMatchObject({
      code: "IMPACTKIT_DOWNLOAD",
      causeCode: "ENOSPC",
      message: "cannot write /data/out.csv: no space left on the device (ENOSPC)",
    });
    expect(diskError(Object.assign(new Error("x"), { code: "EROFS" }), "/r/o.csv")).toMatchObject({ causeCode: "EROFS" });
    const other = new Error("unrelated");
    expect(diskError(other, "/x")).toBe(other);
  });
});
