import { type Complete, type RootCommand, ShellCompDirective } from "@bomb.sh/tab";
import tab from "@bomb.sh/tab/commander";
import type { Command } from "commander";
import { RESULT_FORMATS } from "./params.js";
import { readConfig } from "./profiles.js";
import { RECORD_FORMATS } from "./rows-output.js";

/** The shells `impactkit completion <shell>` writes a script for. */
type Shell = "bash" | "zsh" | "fish" | "powershell";

/**
 * The values of options that take them in any case, for which commander lists no choices (it does for
 * `--api`, whose flavors the library offers on its own), by long name: `export --result-format` takes the
 * result formats of ReportExport and ClickExport, `records --format`
 * and `export --records` the formats rows are written in. `export --format`, the deprecated name of
 * `--result-format`, is hidden, so neither it nor its values are offered.
 */
const VALUES: Readonly<Record<string, readonly string[]>> = {
  "result-format": RESULT_FORMATS,
  format: RECORD_FORMATS,
  records: RECORD_FORMATS,
};

/** An option whose value is a path (`-o, --output <file>`, `--output-dir <dir>`): the shell completes it. */
const PATH_VALUE = /[<[](file|dir|path)[\]>]/;

/** The commands whose `<name>` is an existing profile's. */
const PROFILE_ARGUMENTS = ["profiles use", "profiles remove"];

/**
 * `impactkit completion bash|zsh|fish|powershell` prints the script that makes Tab ask `impactkit complete -- …`
 * for the words typed so far. Besides the commands, flags and `--api`'s flavors that the library reads from
 * commander, it offers the profiles of the config file (`--profile`, `profiles use|remove`), the values of
 * `--format`, `--result-format` and `--records`, and leaves a path option's value (`-o`) to the shell's own
 * file completion.
 */
export function addCompletion(program: Command, env: NodeJS.ProcessEnv, stdout: NodeJS.WritableStream): void {
  const root = tab(program, { completionCommandName: "completion" });
  const profiles = (complete: Complete) => {
    for (const [name, profile] of profileEntries(env)) complete(name, profile.api ?? "");
  };
  let pathValue = false;
  visit(program, "", (path, command) => {
    const completed = path === "" ? root : root.commands.get(path);
    for (const option of command.options) {
      const name = option.long?.slice(2);
      const entry = name === undefined ? undefined : completed?.options.get(name);
      if (name === undefined || !entry || entry.isBoolean) continue;
      const values = VALUES[name];
      if (name === "profile") entry.handler = profiles;
      else if (PATH_VALUE.test(option.flags)) entry.handler = () => void (pathValue = true);
      else if (values)
        entry.handler = (complete) => {
          for (const value of values) complete(value, "");
        };
    }
  });
  for (const path of PROFILE_ARGUMENTS) {
    const argument = root.commands.get(path)?.arguments.get("name");
    if (argument) argument.handler = profiles;
  }
  // The library answers every request with ShellCompDirectiveNoFileComp (4). For a path option's value, which
  // has no candidates, the answer becomes the default directive (0), on which the zsh script calls `_files`
  // (zsh manual, "Completion System", `_files`), the fish script leaves fish's own file completion (fish
  // manual, `complete`: files are offered unless `--no-files`), and the bash script readline's (bashScript).
  let directive = root.directive;
  Object.defineProperty(root, "directive", {
    configurable: true,
    get: () => (pathValue && directive === ShellCompDirective.ShellCompDirectiveNoFileComp ? ShellCompDirective.ShellCompDirectiveDefault : directive),
    set: (value: number) => void (directive = value),
  });
  program.commands
    .find((command) => command.name() === "completion")
    ?.action((shell: Shell) => {
      const script = libraryScript(root, program.name(), shell);
      stdout.write(shell === "bash" ? bashScript(script, program.name()) : script);
    });
}

/** Calls `visitor` with each command of `command`'s tree and its words (`"jobs download"`; `""` for the program). */
function visit(command: Command, path: string, visitor: (path: string, command: Command) => void): void {
  visitor(path, command);
  for (const sub of command.commands) visit(sub, path === "" ? sub.name() : `${path} ${sub.name()}`, visitor);
}

/** The profiles of the config file; none when there is no file or it is wrong (a Tab prints no error). */
function profileEntries(env: NodeJS.ProcessEnv): [string, { api?: string }][] {
  try {
    return Object.entries(readConfig(env)?.profiles ?? {});
  } catch {
    return [];
  }
}

/** The library's script for `shell`, which it prints (`console.log`) instead of returning it. */
function libraryScript(root: RootCommand, name: string, shell: Shell): string {
  const lines: unknown[] = [];
  const log = console.log;
  console.log = (...text: unknown[]) => void lines.push(...text);
  try {
    root.setup(name, name, shell);
  } finally {
    console.log = log;
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The library's bash script, made to need nothing but bash and to be sourced again in the same shell:
 *
 * - bash-completion's `_get_comp_words_by_ref` (not in bash itself: `command not found` without the package)
 *   gives way to `__<name>_words`, which reads the words from bash's own COMP_WORDS and COMP_CWORD (bash
 *   manual, "Programmable Completion" and "Bash Variables"): the words up to the cursor's, `--flag=value`
 *   split at the `=` as bash splits it (COMP_WORDBREAKS), so the value is the word completed;
 * - the directives are set unless already set, instead of `readonly` (a second `source`, or another script
 *   from the same library, failed on "readonly variable");
 * - `complete -o default` lets readline complete file names when the answer allows it and has no candidates
 *   (bash manual, "Programmable Completion Builtins": `-o default`), which is how a path option's value is
 *   completed; the script turns it off (`compopt +o default`) for every other answer.
 */
function bashScript(script: string, name: string): string {
  const words = `__${name}_words`;
  const fallback = `# The words typed up to the cursor, from bash's COMP_WORDS and COMP_CWORD (bash manual, "Programmable
# Completion"); bash splits --flag=value at the "=", whose value is then the word completed.
${words}() {
    local i
    words=()
    for ((i = 0; i < COMP_CWORD; i++)); do
        [[ \${COMP_WORDS[i]} == "=" ]] || words+=("\${COMP_WORDS[i]}")
    done
    cur=\${COMP_WORDS[COMP_CWORD]}
    [[ $cur == "=" ]] && cur=
    words+=("$cur")
    cword=$((\${#words[@]} - 1))
    prev=\${words[cword - 1]}
}
`;
  const edits: [RegExp, (...groups: string[]) => string][] = [
    [/^readonly (\w+)=(\d+)$/gm, (_line, variable, value) => `: "\${${variable}:=${value}}"`],
    [/^( *)_get_comp_words_by_ref -n "=:" cur prev words cword$/m, (_line, indent) => `${indent}${words}`],
    [
      new RegExp(`^# Register completion function\ncomplete -F (__${name}_complete) ${name}$`, "m"),
      (line, complete) => `${fallback}\n${line.replace(`-F ${complete}`, `-o default -F ${complete}`)}`,
    ],
  ];
  return edits.reduce((text, [pattern, edit]) => {
    const changed = text.replace(pattern, edit);
    if (changed === text) throw new Error(`the completion library's bash script changed: ${String(pattern)} is not in it`);
    return changed;
  }, script);
}
