import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { FLAVORS_FILE, loadFlavors, type Flavor } from "./flavors.ts";
import { flavorSources, loadManifest, MANIFEST_FILE, manifestText } from "./source-manifest.ts";
import { SpecError } from "./spec-error.ts";

export interface AddFlavorOptions {
  root: string;
  /** The new release's flavor id, e.g. `partner-v17`. */
  id: string;
  /** The release it starts from, e.g. `partner-v16`. */
  from: string;
  /** Its API version (`IR-Version`); by default the number its id ends with (`-v17`). */
  apiVersion?: string;
  /** Its title; by default the title of `from` with the version replaced. */
  title?: string;
}

/** A request `flavor:add` refuses, before it writes anything: its message names the argument. */
export class AddFlavorError extends Error {
  override name = "AddFlavorError";
}

/** What `flavor:add` wrote, repository-relative. */
export interface AddedFlavor {
  flavor: Flavor;
  files: string[];
}

/**
 * `pnpm flavor:add <id> --from <flavor>`: a new API release beside an existing one. Copies the release's
 * sources (and their manifest entries, the same upstream URLs until the maintainer points them at the new
 * release's documents) and its overrides, adds its flavors.json entry after the last release of the same
 * API, and the changeset of its first release. Everything else — its package, the merged spec, the registries, the root README's table, the API
 * reference's entry points, the release diffs — comes from `pnpm generate`.
 */
export function addFlavor(options: AddFlavorOptions): AddedFlavor {
  const { root, id, from } = options;
  const flavors = loadFlavors(root);
  const base = flavors.find((flavor) => flavor.id === from);
  if (!base) throw new AddFlavorError(`--from ${from}: no such flavor in ${FLAVORS_FILE} (${flavors.map((flavor) => flavor.id).join(", ")})`);
  if (!/^[a-z][a-z0-9]*(-v[0-9]+)?$/.test(id))
    throw new AddFlavorError(`<id> ${JSON.stringify(id)}: the API's name and its release, e.g. partner-v17 or brand-v15`);
  if (flavors.some((flavor) => flavor.id === id)) throw new AddFlavorError(`<id> ${id}: already in ${FLAVORS_FILE}`);
  const apiVersion = options.apiVersion ?? /-v(\d+)$/.exec(id)?.[1];
  if (apiVersion === undefined || !/^\d+$/.test(apiVersion))
    throw new AddFlavorError(`--api-version: ${id} does not end with -v<number>; give the API version it sends as IR-Version`);
  if (flavors.some((flavor) => flavor.api === base.api && flavor.apiVersion === apiVersion))
    throw new AddFlavorError(`--api-version ${apiVersion}: ${base.api} API ${apiVersion} already has a package`);
  const title = options.title ?? (base.title.endsWith(` v${base.apiVersion}`) ? `${base.title.slice(0, -base.apiVersion.length)}${apiVersion}` : undefined);
  if (title === undefined)
    throw new AddFlavorError(`--title: the title of ${from} (${base.title}) does not end with v${base.apiVersion}; give the new release's title`);
  const flavor: Flavor = { ...base, id, package: `@impactkit/${id}`, apiVersion, title };

  const manifest = loadManifest(root);
  const entries = flavorSources(manifest, from).map((entry) => ({ ...entry, file: `${id}/${entry.file.slice(from.length + 1)}` }));
  const written: string[] = [];
  mkdirSync(join(root, "specs", "sources", id), { recursive: true });
  for (const entry of flavorSources(manifest, from)) {
    const target = `specs/sources/${id}/${entry.file.slice(from.length + 1)}`;
    copyFileSync(join(root, "specs", "sources", entry.file), join(root, target));
    written.push(target);
  }
  writeFileSync(join(root, MANIFEST_FILE), manifestText({ ...manifest, sources: [...manifest.sources, ...entries] }));
  written.push(MANIFEST_FILE);
  const overrides = join(root, "specs", "overrides", from);
  if (existsSync(overrides)) {
    mkdirSync(join(root, "specs", "overrides", id), { recursive: true });
    for (const name of readdirSync(overrides)
      .filter((file) => file.endsWith(".json"))
      .sort()) {
      copyFileSync(join(overrides, name), join(root, "specs", "overrides", id, name));
      written.push(`specs/overrides/${id}/${name}`);
    }
  }
  const config = JSON.parse(readFileSync(join(root, FLAVORS_FILE), "utf8")) as { flavors: Flavor[] };
  const after = config.flavors.findLastIndex((entry) => entry.api === base.api);
  config.flavors.splice(after + 1, 0, flavor);
  writeFileSync(join(root, FLAVORS_FILE), `${JSON.stringify(config, null, 2)}\n`);
  written.push(FLAVORS_FILE);
  // Its first release needs a changeset naming it (`pnpm spec:diff --check`); the maintainer words it.
  const changeset = `.changeset/${id}.md`;
  mkdirSync(join(root, ".changeset"), { recursive: true });
  writeFileSync(
    join(root, changeset),
    `---\n"${flavor.package}": minor\n---\n\nFirst release of \`${flavor.package}\`: typed clients for the ${title}, beside \`${base.package}\`.\n`,
  );
  written.push(changeset);
  return { flavor, files: written };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { root: { type: "string" }, from: { type: "string" }, "api-version": { type: "string" }, title: { type: "string" } },
  });
  const root = resolve(values.root ?? join(import.meta.dirname, "..", ".."));
  if (positionals.length !== 1 || !values.from)
    throw new AddFlavorError(
      "usage: pnpm flavor:add <id> --from <flavor> [--api-version <n>] [--title <title>], e.g. pnpm flavor:add partner-v17 --from partner-v16",
    );
  const { flavor, files } = addFlavor({
    root,
    id: positionals[0]!,
    from: values.from,
    ...(values["api-version"] ? { apiVersion: values["api-version"] } : {}),
    ...(values.title ? { title: values.title } : {}),
  });
  console.log(
    `Added ${flavor.package} (${flavor.title}, IR-Version ${flavor.apiVersion}) from ${values.from}:\n${files.map((file) => `  ${file}`).join("\n")}`,
  );
  console.log(
    [
      "Next:",
      `  1. point the urls of ${flavor.id}/ in ${MANIFEST_FILE} at the new release's documents, then pnpm specs:sync`,
      "  2. pnpm generate && pnpm install",
      "  3. review the overrides it copied, and docs/api-diff/ for what changed between the releases",
    ].join("\n"),
  );
}

if (import.meta.main) {
  main().catch((error: unknown) => {
    console.error(error instanceof SpecError || error instanceof AddFlavorError ? `error: ${error.message}` : error);
    process.exitCode = 1;
  });
}
