import { InvalidArgumentError } from "./errors.js";
import { validateJobId } from "./job-id.js";
import type { Checkpoint } from "./poll-engine.js";

/** What a resume token holds: the flavor, account, job and where the wait stands. Never a credential. */
export interface ResumeState extends Checkpoint {
  api: string;
  apiVersion: string;
  accountSid: string;
  jobId: string;
}

const VERSION = 1;

/** A small, URL-safe token (base64url JSON). */
export function encodeResumeToken(state: ResumeState): string {
  const { api, apiVersion, accountSid, jobId, attempt, nextAt, deadline } = state;
  return Buffer.from(JSON.stringify({ v: VERSION, api, apiVersion, accountSid, jobId, attempt, nextAt, deadline })).toString("base64url");
}

export function decodeResumeToken(token: string): ResumeState {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(Buffer.from(String(token), "base64url").toString("utf8")) as Record<string, unknown>;
  } catch {
    throw new InvalidArgumentError("not a resume token");
  }
  const { v, api, apiVersion, accountSid, jobId, attempt, nextAt, deadline } = parsed ?? {};
  if (v !== VERSION || typeof api !== "string" || typeof apiVersion !== "string" || typeof accountSid !== "string" || ![attempt, nextAt, deadline].every(Number.isFinite)) {
    throw new InvalidArgumentError("not a resume token (or one of another version)");
  }
  return { api, apiVersion, accountSid, jobId: validateJobId(jobId), attempt: attempt as number, nextAt: nextAt as number, deadline: deadline as number };
}
