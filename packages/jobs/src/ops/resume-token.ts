import { base64ToUtf8, utf8ToBase64 } from "@impactkit/core";
import { InvalidArgumentError } from "../base/errors.js";
import { validateJobId } from "../base/job-id.js";
import type { Checkpoint } from "../engine/poll-engine.js";

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
  return utf8ToBase64(JSON.stringify({ v: VERSION, api, apiVersion, accountSid, jobId, attempt, nextAt, deadline }), true);
}

/**
 * What a resume token (`onCheckpoint`) says: the API, its version, the account, the job and where its wait stood.
 * Throws `InvalidArgumentError` for anything that is not a token of this version.
 */
export function decodeResumeToken(token: string): ResumeState {
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(base64ToUtf8(String(token))) as Record<string, unknown>;
  } catch {
    throw new InvalidArgumentError("not a resume token");
  }
  const { v, api, apiVersion, accountSid, jobId, attempt, nextAt, deadline } = parsed ?? {};
  if (
    v !== VERSION ||
    typeof api !== "string" ||
    typeof apiVersion !== "string" ||
    typeof accountSid !== "string" ||
    ![attempt, nextAt, deadline].every(Number.isFinite)
  ) {
    throw new InvalidArgumentError("not a resume token (or one of another version)");
  }
  return { api, apiVersion, accountSid, jobId: validateJobId(jobId), attempt: attempt as number, nextAt: nextAt as number, deadline: deadline as number };
}

/** The furthest ahead a resumed wait's deadline may lie: no wait of this package is set longer (a week). */
const MAX_RESUME_AHEAD_MS: number = 7 * 24 * 3_600_000;

/**
 * Checks a decoded token's times against now, before any request: a whole-number attempt of 1 or more,
 * the next check no later than the deadline, and a deadline no more than `MAX_RESUME_AHEAD_MS` ahead —
 * a token from a skewed clock or an edit would otherwise never poll.
 */
export function checkResumeTimes(state: ResumeState, now: number): ResumeState {
  if (!Number.isInteger(state.attempt) || state.attempt < 1)
    throw new InvalidArgumentError(`the resume token's attempt must be a whole number of 1 or more, got ${state.attempt}`);
  if (state.deadline > now + MAX_RESUME_AHEAD_MS)
    throw new InvalidArgumentError(
      `the resume token's deadline ${new Date(state.deadline).toISOString()} is more than 7 days ahead; was it made on a machine whose clock is wrong?`,
    );
  if (state.nextAt > state.deadline)
    throw new InvalidArgumentError(
      `the resume token's next check ${new Date(state.nextAt).toISOString()} is after its deadline ${new Date(state.deadline).toISOString()}`,
    );
  return state;
}
