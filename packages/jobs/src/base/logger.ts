/**
 * Where the package reports what it did not expect. Never given credentials. `warn` is required; `error` and
 * `info` are used where a logger has them (a failed pipeline, a connection back), else `warn` says it.
 */
export interface Logger {
  warn(message: string, details?: Record<string, unknown>): void;
  error?(message: string, details?: Record<string, unknown>): void;
  info?(message: string, details?: Record<string, unknown>): void;
}
