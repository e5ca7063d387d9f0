/** Where the package reports what it did not expect. Never given credentials. */
export interface Logger {
  warn(message: string, details?: Record<string, unknown>): void;
}
