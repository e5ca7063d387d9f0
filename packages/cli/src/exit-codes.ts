import { AuthenticationError, InvalidArgumentError, JobFailedError, JobTimeoutError, PermissionDeniedError } from "@impactkit/jobs";

/** The exit codes of `impactkit`, distinct per kind of outcome (documented in --help and the README). */
export const EXIT = {
  ok: 0,
  /** An unexpected failure: the API, the network or the disk. */
  error: 1,
  /** Bad flags or arguments, or missing credentials: nothing was sent. */
  usage: 2,
  /** The API refused the credentials (401) or their scope (403). */
  auth: 3,
  /** The job ended FAILED or CANCELLED (or ERROR, unless --through-error). */
  jobFailed: 4,
  /** The wait's deadline passed. */
  timeout: 5,
  /**
   * Stopped by a signal or a closed pipe: 128 + the signal's number, the status a shell reports for a
   * process the signal killed (POSIX Shell Command Language §2.8.2, "Exit Status for Commands").
   * SIGHUP (1): the terminal went away.
   */
  hangup: 129,
  /** Interrupted (Ctrl-C): 128 + SIGINT (2). */
  aborted: 130,
  /** stdout or stderr was closed by its reader (EPIPE, which comes with SIGPIPE (13) by default; write(2)). */
  closedPipe: 141,
  /** Asked to stop: 128 + SIGTERM (15). */
  terminated: 143,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** The exit code an error stands for. */
export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof Error && error.name === "AbortError") return EXIT.aborted;
  // Core's config errors are InvalidArgumentErrors too.
  if (error instanceof InvalidArgumentError || (error instanceof Error && error.name === "UsageError")) return EXIT.usage;
  // A job not (yet) replayable is refused with 403 too, but is no PermissionDeniedError: the credentials are fine.
  if (error instanceof AuthenticationError || error instanceof PermissionDeniedError) return EXIT.auth;
  if (error instanceof JobFailedError) return EXIT.jobFailed;
  if (error instanceof JobTimeoutError) return EXIT.timeout;
  return EXIT.error;
}

/** A usage error found by the CLI itself (a flag's value). */
export class UsageError extends Error {
  override name = "UsageError";
}
