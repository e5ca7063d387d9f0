import type { Writable } from "node:stream";
import { terminalJson, terminalLine } from "./terminal-text.js";

/**
 * Where a command writes: stdout for results alone (one JSON document with --json, a result streamed with
 * `-o -`, rows), stderr for progress, logs and errors — so that `impactkit … | jq` gets nothing else.
 * Everything goes through here, so nothing reaches the terminal raw: each line of text is cleaned by
 * `terminalLine` (the only line breaks are those between the lines a command gives), and JSON keeps every
 * value but escapes what a terminal would act on (`terminalJson`). Secrets are masked after cleaning, so
 * control characters cannot split one up to get it through.
 */
export interface Output {
  readonly json: boolean;
  readonly verbose: boolean;
  /** Whether stderr, where progress goes, is a terminal (progress bars) or not (plain lines). */
  readonly tty: boolean;
  readonly stdout: Writable;
  /** Where progress bars draw. */
  readonly stderr: Writable;
  /** The command's result: `lines` of text for people, or `data` as the one JSON document. */
  result(lines: readonly string[], data: unknown): void;
  /** A line of progress or information for people, on stderr (not with --json). */
  info(line: string): void;
  /** A --verbose line, on stderr. */
  debug(line: string): void;
  /** A line for people that cannot wait for the result — a job's id as soon as it is scheduled: on stderr, also with --json, so stdout keeps the result alone. */
  notice(line: string): void;
  /** An error on stderr: `impactkit: <message>`, or with --json one line `{"error": <message>, …details}`. */
  error(message: string, details?: Record<string, unknown>): void;
  /** Never print these: each is replaced by `***` wherever it appears. */
  addSecret(secret: string): void;
}

export function createOutput(options: {
  json: boolean;
  verbose: boolean;
  stdout: NodeJS.WriteStream | Writable;
  stderr: NodeJS.WriteStream | Writable;
}): Output {
  const secrets: string[] = [];
  const mask = (text: string) => secrets.reduce((clean, secret) => clean.split(secret).join("***"), text);
  const line = (text: string) => `${mask(terminalLine(text))}\n`;
  /** A JSON string value with its secrets masked, also where control characters split one up (they are dropped then). */
  const value = (text: string) => {
    const shown = terminalLine(text);
    return mask(shown) === shown ? mask(text) : mask(shown);
  };
  const json = (data: unknown, indent?: number) =>
    `${mask(terminalJson(JSON.stringify(data, (_key, field: unknown) => (typeof field === "string" ? value(field) : field), indent)))}\n`;
  const out = (text: string) => void options.stdout.write(text);
  const err = (text: string) => void options.stderr.write(text);
  return {
    json: options.json,
    verbose: options.verbose,
    tty: Boolean((options.stderr as NodeJS.WriteStream).isTTY),
    stdout: options.stdout,
    stderr: options.stderr,
    result: (lines, data) => out(options.json ? json(data, 2) : lines.map(line).join("")),
    info: (text) => void (options.json || err(line(text))),
    debug: (text) => void (options.verbose && err(line(text))),
    notice: (text) => err(line(text)),
    error: (message, details) => err(options.json ? json({ ...details, error: message }) : line(`impactkit: ${message}`)),
    addSecret: (secret) => void (secret.length >= 4 && secrets.push(secret)),
  };
}
