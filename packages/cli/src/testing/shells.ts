import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { until } from "./support.js";

/**
 * Fails, naming the package to install, when `tool` is not on the PATH: a test that drives a real shell
 * runs it, never skips it.
 */
export function requireTool(tool: string, env: Record<string, string>, install = `apt-get install ${tool}`): void {
  try {
    execFileSync("sh", ["-c", `command -v ${tool}`], { env, stdio: "ignore" });
  } catch {
    throw new Error(`${tool} is not installed: the completion tests run a real ${tool} (Debian/Ubuntu: ${install})`);
  }
}

/**
 * Runs `shell` with `args` to its end (after `requireTool`); fails showing stderr unless it exits 0, and
 * resolves with its stdout and stderr.
 */
export function runShell(shell: string, args: readonly string[], env: Record<string, string>): { stdout: string; stderr: string } {
  requireTool(shell, env);
  const run = spawnSync(shell, args, { env, encoding: "utf8" });
  if (run.status !== 0) throw new Error(`${shell} exited ${run.status ?? run.signal}: ${run.stderr}`);
  return { stdout: run.stdout, stderr: run.stderr };
}

/** What a terminal shows of `text`: escape sequences, bells, backspaces and carriage returns removed. */
function plain(text: string): string {
  return text
    .replace(/\u001b\[[0-9;?]*[A-Za-z]|\u001b[()][A-Za-z0-9]|\u001b[=>]/g, "")
    .replace(/[^\n]\u0008/g, "")
    .replace(/[\u0007\u0008\r]/g, "");
}

/** Waits for output of a terminal: up to 30 seconds, a bound on waiting for the shell, not a speed under test. */
const ATTEMPTS = 1_200;

/**
 * An interactive shell on a pseudo-terminal (util-linux `script`, 500 columns so no line wraps), typed into
 * as a person would: what it shows is read as it comes.
 */
export class Terminal {
  private readonly child: ChildProcess;
  private shown = "";
  private markers = 0;

  constructor(shell: string, args: readonly string[], env: Record<string, string>) {
    const command = [shell, ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(" ");
    this.child = spawn("script", ["-qfec", `stty cols 500 rows 50; exec ${command}`, "/dev/null"], { env, stdio: ["pipe", "pipe", "pipe"] });
    this.child.stdout!.on("data", (chunk: Buffer) => (this.shown += chunk.toString()));
    this.child.stderr!.on("data", (chunk: Buffer) => (this.shown += chunk.toString()));
  }

  /** Everything the terminal showed so far. */
  get output(): string {
    return this.shown;
  }

  /** Types `keys` (`\t` is Tab, `\r` Enter, `\u0001` Ctrl-A, `\u0005` Ctrl-E). */
  type(keys: string): void {
    this.child.stdin!.write(keys);
  }

  /** Waits until what the terminal showed after `from` (an offset in `output`) holds `check`; fails showing it. */
  async waitFor(from: number, check: (shown: string) => boolean, what: string): Promise<string> {
    await until(() => check(plain(this.shown.slice(from))), what, ATTEMPTS).catch((error: Error) => {
      throw new Error(`${error.message}; the terminal showed:\n${plain(this.shown.slice(from))}`);
    });
    return plain(this.shown.slice(from));
  }

  /**
   * Runs `line` as a command and resolves with what it printed: the line is followed by `echo` of a sum,
   * whose result (not in the line as typed) says that the command is done.
   */
  async run(line: string): Promise<string> {
    this.markers += 1;
    const sum = `${this.markers}+1000000`;
    const done = `@@${this.markers + 1_000_000}`;
    const from = this.shown.length;
    this.type(`${line}; echo @@$((${sum}))\r`);
    const shown = await this.waitFor(from, (text) => text.includes(done), `the end of ${JSON.stringify(line)}`);
    return shown.slice(shown.lastIndexOf(`$((${sum}))`) + `$((${sum}))`.length, shown.indexOf(done)).trim();
  }

  /**
   * Presses Tab after `line` and resolves with the words of the line the shell then runs: the words are
   * printed one per line, in brackets, by a `printf` typed before them (Ctrl-A, then Ctrl-E for the end).
   * Waits for `shows` on the terminal before going on, so no key is typed while the completion runs.
   */
  async tabWords(line: string, shows: string): Promise<string[]> {
    const from = this.shown.length;
    this.type(`${line}\t`);
    await this.waitFor(from, (text) => text.includes(shows), `${JSON.stringify(shows)} after Tab on ${JSON.stringify(line)}`);
    const printed = await this.run(`\u0001printf '[%s]\\n' \u0005`);
    return [...printed.matchAll(/^\[(.*)\]$/gm)].map((match) => match[1]!);
  }

  /** Presses Tab after `line`, waits until each of `expected` is shown, then clears the line; resolves with what was shown meanwhile. */
  async tabShows(line: string, expected: readonly string[]): Promise<string> {
    const from = this.shown.length;
    this.type(`${line}\t`);
    await this.waitFor(from, (text) => expected.every((word) => text.includes(word)), `${expected.join(", ")} after Tab on ${JSON.stringify(line)}`);
    // Ctrl-E, then Ctrl-U erases the line: bash's unix-line-discard, zsh's kill-whole-line.
    await this.run("\u0005\u0015:");
    return plain(this.shown.slice(from));
  }

  /** Resolves with the exit code of what runs in the terminal (`script -e` passes it on). */
  exited(): Promise<number | null> {
    return new Promise((resolve) => (this.child.exitCode !== null ? resolve(this.child.exitCode) : this.child.on("close", resolve)));
  }

  close(): void {
    this.child.stdin!.end();
    this.child.kill();
  }
}
