import type { Writable } from "node:stream";

/** Where a command writes: stdout for results (one JSON document with --json), stderr for errors and logs. */
export interface Output {
  readonly json: boolean;
  readonly verbose: boolean;
  /** Whether stdout is a terminal (progress bars) or not (plain lines). */
  readonly tty: boolean;
  readonly stdout: Writable;
  /** The command's result: `human` as text, or `data` as the one JSON document. */
  result(human: string, data: unknown): void;
  /** A line of progress or information for people (not with --json). */
  info(line: string): void;
  /** A --verbose line, on stderr. */
  debug(line: string): void;
  error(message: string): void;
  /** Never print these: each is replaced by `***` wherever it appears. */
  addSecret(secret: string): void;
}

export function createOutput(options: { json: boolean; verbose: boolean; stdout: NodeJS.WriteStream | Writable; stderr: Writable }): Output {
  const secrets: string[] = [];
  const redact = (text: string) => secrets.reduce((clean, secret) => clean.split(secret).join("***"), text);
  const out = (text: string) => options.stdout.write(redact(text));
  const err = (text: string) => options.stderr.write(redact(text));
  return {
    json: options.json,
    verbose: options.verbose,
    tty: Boolean((options.stdout as NodeJS.WriteStream).isTTY),
    stdout: options.stdout,
    result: (human, data) => out(options.json ? `${JSON.stringify(data, null, 2)}\n` : `${human}\n`),
    info: (line) => void (options.json || out(`${line}\n`)),
    debug: (line) => void (options.verbose && err(`${line}\n`)),
    error: (message) => void err(options.json ? `${JSON.stringify({ error: message })}\n` : `impactkit: ${message}\n`),
    addSecret: (secret) => void (secret.length >= 4 && secrets.push(secret)),
  };
}
