import { EXIT } from "./exit-codes.js";

/** The signals that stop the CLI's work as Ctrl-C does: interrupt, terminate, hang-up (signal(7)). */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

const SIGNAL_EXIT: Record<StopSignal, number> = { SIGINT: EXIT.aborted, SIGTERM: EXIT.terminated, SIGHUP: EXIT.hangup };

/**
 * Why the CLI stopped its work from outside, given as the reason of the commands' AbortSignal: a signal,
 * or stdout or stderr that can no longer be written. `message` is what to tell stderr ("" for nothing).
 */
export class Interruption extends Error {
  override name = "Interruption";
  declare readonly exitCode: number;

  constructor(message: string, exitCode: number) {
    super(message);
    this.exitCode = exitCode;
  }
}

/** Stopped by `signal`: exit 128 + its number. */
export function interruptedBy(signal: StopSignal): Interruption {
  return new Interruption(signal === "SIGINT" ? "interrupted" : `interrupted by ${signal}`, SIGNAL_EXIT[signal]);
}

/**
 * `stream` failed. EPIPE is its reader closing the pipe (`impactkit jobs list | head -1`): write(2) fails
 * with it once SIGPIPE is ignored, as Node.js does. That stops the work quietly with 141, the status a
 * shell reports for a tool that SIGPIPE killed; any other failure (ENOSPC, EIO) is an error (1).
 */
export function outputFailed(stream: "stdout" | "stderr", error: NodeJS.ErrnoException): Interruption {
  return error.code === "EPIPE"
    ? new Interruption("", EXIT.closedPipe)
    : new Interruption(`cannot write to ${stream}: ${error.code ?? error.message}`, EXIT.error);
}
