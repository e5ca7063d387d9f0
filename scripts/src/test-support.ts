import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

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
