/**
 * A TypeDoc plugin (https://typedoc.org/documents/Development.html#plugins, `plugin` in typedoc.json): each module
 * of the API reference is named as a consumer imports it — `@impactkit/jobs`, `@impactkit/queue/testing` — after
 * the package's `exports` (https://nodejs.org/api/packages.html#subpath-exports), not after its source path.
 * An entry point that no export builds from is a warning, which typedoc.json makes an error.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import { type Application, Converter, ReflectionKind } from "typedoc";

type ExportTarget = string | { types?: string } | null;

interface Manifest {
  name: string;
  exports?: Record<string, ExportTarget>;
}

/** The nearest package.json above `file`, with its directory. */
function packageOf(file: string): { dir: string; manifest: Manifest } | undefined {
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const path = join(dir, "package.json");
    if (existsSync(path)) return { dir, manifest: JSON.parse(readFileSync(path, "utf8")) as Manifest };
  }
  return undefined;
}

/**
 * The specifier that imports the module built from `file`: the export whose declarations (`types`, under `dist/`)
 * the package's build compiles from it (under `src/`), e.g. `./dist/engine.d.ts` from `src/engine.ts`.
 */
function exportSpecifier(file: string): string | undefined {
  const found = packageOf(file);
  if (!found) return undefined;
  const source = relative(found.dir, file).split("\\").join("/");
  for (const [subpath, target] of Object.entries(found.manifest.exports ?? {})) {
    const types = typeof target === "string" ? target : target?.types;
    if (types?.replace(/^\.\/dist\//, "src/").replace(/\.d\.ts$/, ".ts") === source)
      return subpath === "." ? found.manifest.name : `${found.manifest.name}${subpath.slice(1)}`;
  }
  return undefined;
}

export function load(app: Application): void {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getChildrenByKind(ReflectionKind.Module)) {
      const file = module.sources?.[0]?.fullFileName;
      const specifier = file === undefined ? undefined : exportSpecifier(file);
      if (specifier === undefined) app.logger.warn(`${module.name}: no export of its package.json builds from ${file ?? "its source"}`);
      else module.name = specifier;
    }
  });
}
