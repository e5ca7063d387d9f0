import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { machineEnv } from "@impactkit/testing";
import { afterAll, describe, expect, it } from "vitest";
import { BIN, impactkit } from "./testing/support.js";

/** A folder with an `impactkit` on PATH: what the completion scripts call at each Tab. */
const bin = mkdtempSync(join(tmpdir(), "impactkit-completion-"));
writeFileSync(join(bin, "impactkit"), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
chmodSync(join(bin, "impactkit"), 0o755);
afterAll(() => rmSync(bin, { recursive: true, force: true }));

/** What the shell is offered for the words typed so far (the last one being completed), as `complete --` answers it. */
async function offered(...words: string[]): Promise<string[]> {
  const run = await impactkit(["complete", "--", ...words], {});
  expect(run.code).toBe(0);
  return run.stdout
    .trimEnd()
    .split("\n")
    .filter((line) => !line.startsWith(":"))
    .map((line) => line.split("\t")[0]!);
}

/**
 * Tab in a real bash with the script sourced. `_get_comp_words_by_ref` comes from the bash-completion
 * package on a user's machine; this one takes the words as bash splits them, which is what it does for
 * words without `=` or `:`.
 */
function bashTab(line: string): string[] {
  const script = [
    `_get_comp_words_by_ref() { cur="\${COMP_WORDS[COMP_CWORD]}"; prev="\${COMP_WORDS[COMP_CWORD-1]}"; words=("\${COMP_WORDS[@]}"); cword=$COMP_CWORD; }`,
    `source <(impactkit completion bash)`,
    `COMP_LINE=${JSON.stringify(line)}; COMP_POINT=\${#COMP_LINE}`,
    `read -ra COMP_WORDS <<< "$COMP_LINE"; [[ "$COMP_LINE" == *" " ]] && COMP_WORDS+=("")`,
    `COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))`,
    `__impactkit_complete`,
    `printf '%s\\n' "\${COMPREPLY[@]}"`,
  ].join("\n");
  return execFileSync("bash", ["-c", script], { env: { ...machineEnv(), PATH: `${bin}:${process.env["PATH"]}` }, encoding: "utf8" })
    .trimEnd()
    .split("\n");
}

describe("impactkit completion", () => {
  it("prints a script for bash, zsh, fish and powershell that registers impactkit", async () => {
    const registers: Record<string, RegExp> = {
      bash: /complete -F __impactkit_complete impactkit/,
      zsh: /^#compdef impactkit/,
      fish: /complete -c impactkit/,
      powershell: /Register-ArgumentCompleter .*impactkit/,
    };
    for (const [shell, registration] of Object.entries(registers)) {
      const run = await impactkit(["completion", shell], {});
      expect(run.code, shell).toBe(0);
      expect(run.stdout, shell).toMatch(registration);
    }
    const unknown = await impactkit(["completion", "tcsh"], {});
    expect(unknown.code).toBe(2);
  });

  it("offers the commands, subcommands, flags and --api's choices", async () => {
    expect(await offered("")).toEqual(expect.arrayContaining(["jobs", "export", "records", "reports", "queue", "profiles", "demo", "completion"]));
    expect(await offered("jobs", "")).toEqual(expect.arrayContaining(["list", "get", "wait", "download", "replay"]));
    expect(await offered("jobs", "list", "--cr")).toEqual(["--created-after", "--created-before"]);
    expect(await offered("--api", "")).toEqual(["partner-v15", "partner-v16", "agency-v3", "brand"]);
  });

  it("completes in bash with the script sourced", () => {
    expect(bashTab("impactkit jobs ")).toEqual(expect.arrayContaining(["list", "get", "wait", "download", "replay"]));
    expect(bashTab("impactkit export rep")).toEqual(["report"]);
  });
});
