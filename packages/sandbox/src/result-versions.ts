import { jobState, type SandboxJob } from "./job-store.js";
import { resultFile, type ResultFile } from "./result-file.js";

/** One version of a job's stored result, with the validators the storage origin sends for it. */
export interface ResultVersion {
  /** 0 for the result as the job produced it, then 1, 2, … for each `object-changed` fault. */
  version: number;
  file: ResultFile;
  /** A strong entity tag (RFC 9110 §8.8.3): the job and the version, so it changes with the bytes. */
  etag: string;
  /** When this version was stored, in whole seconds (epoch ms), as `Last-Modified` sends it (RFC 9110 §8.8.2). */
  lastModified: number;
}

function seedOf(id: string): number {
  return Number.parseInt(id.replaceAll("-", "").slice(0, 8), 16);
}

/**
 * The result file of one version of a job: its rows, format and values follow from the job and the
 * version alone. Each later version has one more row and values drawn from another seed.
 */
export function jobResult(job: SandboxJob, version = 0): ResultFile {
  const date = job.params["START_DATE"] ?? job.params["StartDate"] ?? job.params["Date"];
  const eventDate = typeof date === "string" && /^\d{4}-\d{2}-\d{2}/.test(date) ? date.slice(0, 10) : new Date(job.createdAt).toISOString().slice(0, 10);
  const seed = (seedOf(job.id) + Math.imul(version, 0x9e3779b1)) >>> 0;
  return resultFile({ format: job.resultFormat, rows: job.plan.rows + version, seed, eventDate, programId: job.programId });
}

const second = (epochMs: number): number => Math.floor(epochMs / 1000) * 1000;

/** The versions of every job's stored result: the first one is the job's own, later ones come from faults. */
export class ResultVersions {
  /** `Last-Modified` of versions 1, 2, … per job. */
  readonly #changes = new Map<string, number[]>();

  #version(job: SandboxJob, version: number, lastModified: number): ResultVersion {
    return { version, file: jobResult(job, version), etag: `"${job.id}-v${version}"`, lastModified };
  }

  /** The version the storage origin serves now. Version 0 was stored when the job completed. */
  current(job: SandboxJob, now: number): ResultVersion {
    const changes = this.#changes.get(job.id) ?? [];
    if (changes.length > 0) return this.#version(job, changes.length, changes.at(-1)!);
    const state = jobState(job, now);
    return this.#version(job, 0, second(state.status === "COMPLETED" ? state.at : job.createdAt));
  }

  /**
   * Stores the next version, at `now` — at least a second after the previous one, so that an `If-Range`
   * date (which has a resolution of one second) tells the two apart.
   */
  change(job: SandboxJob, now: number): ResultVersion {
    const previous = this.current(job, now);
    const changes = this.#changes.get(job.id) ?? [];
    changes.push(Math.max(second(now), previous.lastModified + 1_000));
    this.#changes.set(job.id, changes);
    return this.current(job, now);
  }
}
