import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";

/** Replaces every `{{name}}` with its value; an unknown name is an error, so a typo cannot ship. */
export function renderTemplate(text: string, values: Readonly<Record<string, string>>, file: string): string {
  return text.replace(/\{\{([a-zA-Z][a-zA-Z0-9]*)\}\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${file}: unknown template variable {{${name}}}`);
    return value;
  });
}

/** The files of a template folder, as paths relative to it, sorted. */
export function templateFiles(dir: string): string[] {
  const walk = (current: string): string[] =>
    readdirSync(current)
      .sort()
      .flatMap((name) => {
        const path = join(current, name);
        return statSync(path).isDirectory() ? walk(path) : [relative(dir, path)];
      });
  return walk(dir);
}

export function readTemplate(dir: string, file: string): string {
  return readFileSync(join(dir, file), "utf8");
}
