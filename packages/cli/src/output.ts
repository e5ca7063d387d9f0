import type { Writable } from "node:stream";
import { styleText } from "node:util";
import { alignedTable, tabSeparated } from "./table.js";
import { terminalJson, terminalLine } from "./terminal-text.js";

/**
 * Whether to colour what goes to `stream`: never with `--no-color` or a non-empty `NO_COLOR`
 * (https://no-color.org), always with `FORCE_COLOR` (other than `0`, as Node.js reads it:
 * https://nodejs.org/api/cli.html#force_color1-2-3), else on a terminal that is not `TERM=dumb`.
 */
export function colorFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv, noColor: boolean): boolean {
  if (noColor || (env["NO_COLOR"] ?? "") !== "") return false;
  if (env["FORCE_COLOR"] !== undefined) return env["FORCE_COLOR"] !== "0" && env["FORCE_COLOR"] !== "false";
  return Boolean(stream.isTTY) && env["TERM"] !== "dumb";
}

/** A job's status, as the Jobs API spells it, in a line of a result. */
const STATUS = /\b(COMPLETED|FAILED|CANCELLED|ERROR|RUNNING|QUEUED)\b/g;
const STATUS_COLOR: Record<string, "green" | "red" | "yellow"> = {
  COMPLETED: "green",
  FAILED: "red",
  CANCELLED: "red",
  ERROR: "red",
  RUNNING: "yellow",
  QUEUED: "yellow",
};
/** `text` in `color`, the escape sequences added after the text was cleaned for the terminal. */
const paint = (color: "green" | "red" | "yellow" | "bold", text: string) => styleText(color, text, { validateStream: false });

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
  /** `--quiet`: results and errors only, no progress, notices or logs. */
  readonly quiet: boolean;
  /** `--debug`: the --verbose lines with each request's query (never a signed URL's, never a header). */
  readonly debugging: boolean;
  /** Whether stderr, where progress goes, is a terminal (progress bars) or not (plain lines). */
  readonly tty: boolean;
  readonly stdout: Writable;
  /** Where progress bars draw. */
  readonly stderr: Writable;
  /** The command's result: `lines` of text for people, or `data` as the one JSON document. */
  result(lines: readonly string[], data: unknown): void;
  /** Rows (headings first) as the lines of a result: aligned columns on a terminal, tab-separated when stdout is not one. */
  table(rows: ReadonlyArray<readonly string[]>): string[];
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
  quiet?: boolean;
  debug?: boolean;
  /** Whether to colour stdout's and stderr's text (`colorFor`); no colour by default. */
  color?: { stdout: boolean; stderr: boolean };
  stdout: NodeJS.WriteStream | Writable;
  stderr: NodeJS.WriteStream | Writable;
}): Output {
  const quiet = options.quiet === true;
  const debugging = options.debug === true;
  const verbose = options.verbose || debugging;
  const color = options.color ?? { stdout: false, stderr: false };
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
  /** The tab-separated lines `table` gave: their cells were cleaned, and their tabs are the columns' separators. */
  const tabbed = new Set<string>();
  /** A result's line, its statuses coloured on a terminal; a tab-separated table's tabs are kept, any other becomes a space. */
  const resultLine = (text: string) => {
    const clean = tabbed.has(text) ? `${text.split("\t").map(mask).join("\t")}\n` : line(text);
    return color.stdout ? clean.replace(STATUS, (status) => paint(STATUS_COLOR[status]!, status)) : clean;
  };
  /** A line on stderr, a warning (`warning: …`, `! …`) in yellow on a terminal. */
  const errLine = (text: string) => {
    const clean = line(text);
    return color.stderr && /^(warning:|! )/.test(clean) ? `${paint("yellow", clean.slice(0, -1))}\n` : clean;
  };
  return {
    json: options.json,
    verbose,
    quiet,
    debugging,
    tty: !quiet && Boolean((options.stderr as NodeJS.WriteStream).isTTY),
    stdout: options.stdout,
    stderr: options.stderr,
    result: (lines, data) => out(options.json ? json(data, 2) : lines.map(resultLine).join("")),
    table: (rows) => {
      if ((options.stdout as NodeJS.WriteStream).isTTY) return alignedTable(rows);
      const lines = tabSeparated(rows);
      for (const text of lines) tabbed.add(text);
      return lines;
    },
    info: (text) => void (options.json || quiet || err(errLine(text))),
    debug: (text) => void (verbose && err(errLine(text))),
    notice: (text) => void (quiet || err(errLine(text))),
    error: (message, details) =>
      err(
        options.json
          ? json({ ...details, error: message })
          : color.stderr
            ? `${paint("red", `impactkit: ${line(message).slice(0, -1)}`)}\n`
            : line(`impactkit: ${message}`),
      ),
    addSecret: (secret) => void (secret.length >= 4 && secrets.push(secret)),
  };
}
