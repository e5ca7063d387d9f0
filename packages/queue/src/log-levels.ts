import type { Logger } from "@impactkit/jobs";

/** Says `message` at `level` where the logger has it, else as a warning (jobs' `Logger` requires `warn` only). */
export function say(logger: Logger | undefined, level: "error" | "info", message: string, details?: Record<string, unknown>): void {
  if (!logger) return;
  const at = logger[level] ?? logger.warn;
  at.call(logger, message, details);
}
