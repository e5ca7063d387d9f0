import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";

export const REPO: string = join(import.meta.dirname, "..", "..", "..");

export interface PackageInfo {
  name: string;
  dir: string;
  version: string;
}

/** Every package of packages/* that is published (not private). */
export function publishedPackages(): PackageInfo[] {
  return readdirSync(join(REPO, "packages"))
    .map((name) => join(REPO, "packages", name))
    .map((dir) => ({ dir, json: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name: string; version: string; private?: boolean } }))
    .filter(({ json }) => !json.private)
    .map(({ dir, json }) => ({ name: json.name, dir, version: json.version }))
    .sort((a, b) => a.name.localeCompare(b.name));
}
