import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { renderAll, writeFiles } from "./pipeline.ts";

/** The repository this package lives in. */
export const REPO_ROOT: string = join(import.meta.dirname, "..", "..");

/** A scratch repository root: optionally a copy of this repo's specs and template; removed by `dispose`. */
export function scratchRoot(copyRepo: boolean): { root: string; write: (path: string, content: unknown) => void; dispose: () => void } {
  const root = mkdtempSync(join(tmpdir(), "impactkit-scripts-"));
  if (copyRepo) {
    cpSync(join(REPO_ROOT, "specs"), join(root, "specs"), { recursive: true });
    cpSync(join(REPO_ROOT, "scripts", "template"), join(root, "scripts", "template"), { recursive: true });
  }
  const write = (path: string, content: unknown): void => {
    const absolute = join(root, path);
    mkdirSync(dirname(absolute), { recursive: true });
    writeFileSync(absolute, typeof content === "string" ? content : `${JSON.stringify(content, null, 2)}\n`);
  };
  return { root, write, dispose: () => rmSync(root, { recursive: true, force: true }) };
}

/** A scratch copy of this repository's specs as a git repository where Partner v15 is released at `version` and the other flavors wait for their first release. */
export function releasedScratch(
  version: string,
): ReturnType<typeof scratchRoot> & { git: (...args: string[]) => string; reset: () => void; setup: () => Promise<void> } {
  const scratch = scratchRoot(true);
  const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@t", ...args], { cwd: scratch.root, encoding: "utf8" });
  const setup = async () => {
    writeFiles(scratch.root, await renderAll(scratch.root));
    scratch.write(
      ".changeset/first-release.md",
      '---\n"@impactkit/partner-v16": minor\n"@impactkit/agency-v3": minor\n"@impactkit/brand": minor\n---\n\nFirst release.\n',
    );
    git("init", "-q");
    git("add", "-A");
    git("commit", "-qm", "release");
    git("tag", `@impactkit/partner-v15@${version}`);
  };
  /** Back to the release: every change since undone. */
  const reset = () => {
    git("checkout", "-q", "--", ".");
    git("clean", "-qfd");
  };
  return { ...scratch, git, reset, setup };
}
