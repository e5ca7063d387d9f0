import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { machineEnv } from "@impactkit/testing";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { requireTool, runShell, Terminal } from "./testing/shells.js";
import { BIN, impactkit } from "./testing/support.js";

/**
 * A home for the shells: `bin/impactkit` (what the scripts call at each Tab) first on the PATH, a config file
 * with two profiles, and a folder with a file for `-o` to complete.
 */
const home = mkdtempSync(join(tmpdir(), "impactkit-completion-"));
const bin = join(home, "bin");
const files = join(home, "files");
const config = join(home, "config.json");
mkdirSync(bin);
mkdirSync(files);
writeFileSync(join(bin, "impactkit"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
chmodSync(join(bin, "impactkit"), 0o755);
writeFileSync(join(files, "my report.csv"), "Id\n");
writeFileSync(
  config,
  JSON.stringify({ default: "acme", profiles: { acme: { api: "partner-v15", accountSid: "IRACME0001" }, work: { api: "brand", accountSid: "IRWORK0002" } } }),
);
afterAll(() => rmSync(home, { recursive: true, force: true }));

/** The environment of the shells: the machine's, with the home above and its config file (IMPACTKIT_CONFIG). */
const env = (): Record<string, string> => {
  const machine = machineEnv();
  // INPUTRC: readline reads no system-wide settings (/etc/inputrc).
  return { ...machine, PATH: `${bin}:${machine["PATH"]}`, HOME: home, IMPACTKIT_CONFIG: config, TERM: "xterm", INPUTRC: "/dev/null" };
};

const APIS = ["partner-v15", "partner-v16", "agency-v3", "brand"];
const RECORD_FORMATS = ["jsonl", "csv", "parquet"];
const RESULT_FORMATS = ["CSV", "JSON", "XML"];
/** The line `-o` is completed on, and the words it becomes: the file's name, its space quoted by the shell. */
const OUTPUT_LINE = `impactkit jobs download 1 -o ${files}/my`;
const OUTPUT_WORDS = ["impactkit", "jobs", "download", "1", "-o", join(files, "my report.csv")];

/** What the shell is offered for the words typed so far (the last one being completed), as `complete --` answers it, and the directive. */
async function offered(...words: string[]): Promise<{ values: string[]; directive: string }> {
  const run = await impactkit(["complete", "--", ...words], { IMPACTKIT_CONFIG: config });
  expect(run.code).toBe(0);
  const lines = run.stdout.trimEnd().split("\n");
  return { values: lines.filter((line) => !line.startsWith(":")).map((line) => line.split("\t")[0]!), directive: lines.at(-1)! };
}

describe("impactkit completion", () => {
  it("prints a script for bash, zsh, fish and powershell that registers impactkit", async () => {
    const registers: Record<string, RegExp> = {
      bash: /^complete -o default -F __impactkit_complete impactkit$/m,
      zsh: /^#compdef impactkit/,
      fish: /complete -c impactkit/,
      powershell: /Register-ArgumentCompleter .*impactkit/,
    };
    for (const [shell, registration] of Object.entries(registers)) {
      const run = await impactkit(["completion", shell], {});
      expect(run.code, shell).toBe(0);
      expect(run.stdout, shell).toMatch(registration);
    }
    const bash = await impactkit(["completion", "bash"], {});
    expect(bash.stdout).not.toMatch(/_get_comp_words_by_ref|readonly /);
    const unknown = await impactkit(["completion", "tcsh"], {});
    expect(unknown.code).toBe(2);
  });

  it("answers with the commands, flags, flavors, profiles and formats, and leaves a path option to the shell", async () => {
    const [all, jobs, created, api, inherited, profiles, use, records, results, rows, output, outputDir, jobId, help] = await Promise.all([
      offered(""),
      offered("jobs", ""),
      offered("jobs", "list", "--cr"),
      offered("--api", ""),
      offered("jobs", "list", "--api", ""),
      offered("jobs", "list", "--profile", ""),
      offered("profiles", "use", "w"),
      offered("records", "1", "--format", ""),
      offered("export", "report", "r", "--result-format", ""),
      offered("export", "report", "r", "--records", ""),
      offered("jobs", "download", "1", "-o", ""),
      offered("demo", "--output-dir", ""),
      offered("records", ""),
      impactkit(["export", "report", "--help"], {}),
    ]);
    expect(all.values).toEqual(expect.arrayContaining(["jobs", "export", "records", "reports", "queue", "profiles", "demo", "completion"]));
    expect(jobs.values).toEqual(expect.arrayContaining(["list", "get", "wait", "download", "replay"]));
    expect(created.values).toEqual(["--created-after", "--created-before"]);
    expect(api.values).toEqual(APIS);
    expect(inherited.values).toEqual(APIS);
    expect(profiles.values).toEqual(["acme", "work"]);
    expect(use.values).toEqual(["work"]);
    expect(records.values).toEqual(RECORD_FORMATS);
    expect(results.values).toEqual(RESULT_FORMATS);
    // The result formats offered are those export's help names.
    expect(help.stdout).toContain(`what the API produces: ${RESULT_FORMATS.join(", ")} (`);
    expect(rows.values).toEqual(RECORD_FORMATS);
    // No candidates and the default directive (0): the shell completes file names. Other answers say not to (4).
    expect(output).toEqual({ values: [], directive: ":0" });
    expect(outputDir).toEqual({ values: [], directive: ":0" });
    expect(jobId).toEqual({ values: [], directive: ":4" });
  });
});

/**
 * Tab in a bash started with --norc and --noprofile, so without the bash-completion package, after sourcing
 * the script twice: for each list of words (the last one being completed), bash's completion variables are
 * set as bash sets them (COMP_WORDS split at COMP_WORDBREAKS, so `--api=b` is three words) and the function
 * that `complete -p` names is called. Resolves with each COMPREPLY, and with what bash printed on stderr less
 * `compopt`'s complaint that no completion is running (it is called here outside readline).
 */
function bashTab(...cases: string[][]): { candidates: string[][]; errors: string } {
  const script = [
    `source <(impactkit completion bash)`,
    `source <(impactkit completion bash)`,
    `registered=$(complete -p impactkit) && function=\${registered##*-F } && function=\${function%% *}`,
    `for words in "$@"; do`,
    `  IFS=$'\\t' read -ra COMP_WORDS <<< "$words"; [[ $words == *$'\\t' ]] && COMP_WORDS+=("")`,
    `  COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); COMP_LINE="\${COMP_WORDS[*]}"; COMP_POINT=\${#COMP_LINE}; COMPREPLY=()`,
    `  "$function" impactkit "\${COMP_WORDS[COMP_CWORD]}" "\${COMP_WORDS[COMP_CWORD-1]}"`,
    `  printf '%s\\n' "\${COMPREPLY[@]}" "@@"`,
    `done`,
  ].join("\n");
  // Each case is one argument, its words between tabs.
  const cased = cases.map((words) => ["impactkit", ...words].join("\t"));
  const run = runShell("bash", ["--norc", "--noprofile", "-c", script, "bash", ...cased], env());
  const errors = run.stderr
    .split("\n")
    .filter((line) => line !== "" && !line.endsWith("compopt: not currently executing completion function"))
    .join("\n");
  const candidates = run.stdout
    .split("@@\n")
    .slice(0, -1)
    .map((block) => block.split("\n").filter((line) => line !== ""));
  return { candidates, errors };
}

describe("completion in bash without bash-completion", () => {
  it("completes commands, subcommands and --api's flavors, the script sourced twice", () => {
    const { candidates, errors } = bashTab([""], ["jobs", ""], ["export", "rep"], ["--api", ""], ["jobs", "list", "--api", "p"], ["--api", "=", "b"]);
    expect(errors).toBe("");
    const [all, jobs, exports, api, inherited, assigned] = candidates;
    expect(all).toEqual(expect.arrayContaining(["jobs", "export", "records", "profiles"]));
    expect(jobs).toEqual(expect.arrayContaining(["list", "get", "wait", "download", "replay"]));
    expect(exports).toEqual(["report"]);
    expect(api).toEqual(APIS);
    expect(inherited).toEqual(["partner-v15", "partner-v16"]);
    expect(assigned).toEqual(["brand"]);
  });

  it("completes profile names and the values of --format, --result-format and --records", () => {
    const { candidates, errors } = bashTab(
      ["--profile", ""],
      ["profiles", "use", ""],
      ["profiles", "remove", "w"],
      ["records", "1", "--format", ""],
      ["export", "report", "r", "--result-format", ""],
      ["export", "clicks", "--records", "p"],
    );
    expect(errors).toBe("");
    expect(candidates).toEqual([["acme", "work"], ["acme", "work"], ["work"], RECORD_FORMATS, RESULT_FORMATS, ["parquet"]]);
  });
});

/** The interactive shells a test started, closed after it. */
const terminals: Terminal[] = [];
afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.close();
});
function terminal(shell: string, args: string[]): Terminal {
  requireTool("script", env(), "apt-get install bsdutils");
  requireTool(shell, env());
  const started = new Terminal(shell, args, env());
  terminals.push(started);
  return started;
}

describe("completion of paths in bash on a terminal", () => {
  it("completes -o's file name with readline's own file completion, the script sourced twice", async () => {
    const bash = terminal("bash", ["--norc", "--noprofile", "-i"]);
    expect(await bash.run("source <(impactkit completion bash); source <(impactkit completion bash)")).toBe("");
    expect(await bash.tabWords(OUTPUT_LINE, "report.csv")).toEqual(OUTPUT_WORDS);
  });
});

describe("completion in zsh on a terminal", () => {
  /** zsh -f (no startup files) with compsys loaded as a user's .zshrc loads it, and the script sourced twice. */
  async function zsh(): Promise<Terminal> {
    const started = terminal("zsh", ["-f", "-i"]);
    expect(await started.run("autoload -U compinit; compinit -u")).toBe("");
    expect(await started.run("source <(impactkit completion zsh); source <(impactkit completion zsh)")).toBe("");
    return started;
  }

  it("completes --api's flavors, profile names and the formats, the script sourced twice", async () => {
    const shell = await zsh();
    await shell.tabShows("impactkit --api ", APIS);
    await shell.tabShows("impactkit jobs list --profile ", ["acme", "work"]);
    await shell.tabShows("impactkit profiles use ", ["acme", "work"]);
    expect(await shell.tabShows("impactkit records 1 --format ", RECORD_FORMATS)).not.toContain("XML");
    expect(await shell.tabShows("impactkit export report r --result-format ", RESULT_FORMATS)).not.toContain("parquet");
    expect(await shell.tabWords("impactkit profiles remove w", "ork")).toEqual(["impactkit", "profiles", "remove", "work"]);
  });

  it("completes -o's file name with its own file completion", async () => {
    const shell = await zsh();
    expect(await shell.tabWords(OUTPUT_LINE, "report.csv")).toEqual(OUTPUT_WORDS);
  });
});

/**
 * What fish offers for each line (`complete -C`), in a fish with no config files after sourcing the script
 * twice: the candidates of each line, without their descriptions, and stderr.
 */
function fishTab(...lines: string[]): { candidates: string[][]; errors: string } {
  const script = "impactkit completion fish | source; impactkit completion fish | source; for line in $argv; complete -C $line; printf '%s\\n' @@; end";
  const run = runShell("fish", ["--no-config", "-c", script, ...lines], env());
  const candidates = run.stdout
    .split("@@\n")
    .slice(0, -1)
    .map((block) =>
      block
        .split("\n")
        .filter((line) => line !== "")
        .map((line) => line.split("\t")[0]!),
    );
  return { candidates, errors: run.stderr };
}

describe("completion in fish", () => {
  it("completes --api's flavors, profile names, the formats and -o's file name, the script sourced twice", () => {
    const { candidates, errors } = fishTab(
      "impactkit --api ",
      "impactkit jobs list --profile ",
      "impactkit profiles use ",
      "impactkit records 1 --format ",
      "impactkit export report r --result-format ",
      OUTPUT_LINE,
    );
    expect(errors).toBe("");
    // fish sorts the candidates.
    expect(candidates).toEqual([
      [...APIS].sort(),
      ["acme", "work"],
      ["acme", "work"],
      [...RECORD_FORMATS].sort(),
      RESULT_FORMATS,
      [join(files, "my report.csv")],
    ]);
  });
});
