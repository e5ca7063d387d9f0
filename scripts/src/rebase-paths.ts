import { toPointer } from "./json-pointer.ts";
import type { MergedFragments } from "./merge-fragments.ts";
import { SpecError } from "./spec-error.ts";

type Json = Record<string, unknown>;

const ACCOUNT_SID_REF = "#/components/parameters/AccountSID";

function isAccountSid(parameter: Json): boolean {
  return parameter["$ref"] === ACCOUNT_SID_REF || (parameter["name"] === "AccountSID" && parameter["in"] === "path");
}

/** Every path of a flavor's documents is under its base path (`/Mediapartners/{AccountSID}/…`). */
export function checkBasePath(merged: Pick<MergedFragments, "paths">, basePath: string, file: string): void {
  const outside = Object.keys(merged.paths).find((path) => !path.startsWith(`${basePath}/`));
  if (outside !== undefined) throw new SpecError(file, toPointer(["paths", outside]), `path does not start with the flavor's base path ${basePath}`);
}

/**
 * The docs publish every path under the account's base path (`/Mediapartners/{AccountSID}/Jobs`, …), and so
 * does the merged spec. The generated types take the paths relative to it, without the `AccountSID`
 * parameter: the client fills the Account SID once and callers write `/Jobs/{JobId}`.
 */
export function rebasePaths<T extends Pick<MergedFragments, "paths" | "components">>(merged: T, basePath: string, file: string): T {
  checkBasePath(merged, basePath, file);
  const paths: MergedFragments["paths"] = {};
  for (const [path, item] of Object.entries(merged.paths)) {
    const rebased: Json = {};
    for (const [key, value] of Object.entries(item)) {
      if (key === "parameters") {
        const kept = (value as Json[]).filter((parameter) => !isAccountSid(parameter));
        if (kept.length > 0) rebased[key] = kept;
      } else if (value !== null && typeof value === "object" && !Array.isArray(value)) {
        const { parameters, ...rest } = value as Json;
        const kept = ((parameters ?? []) as Json[]).filter((parameter) => !isAccountSid(parameter));
        rebased[key] = kept.length > 0 ? { ...rest, parameters: kept } : rest;
      } else rebased[key] = value;
    }
    paths[path.slice(basePath.length)] = rebased;
  }
  const { parameters: allParameters, ...components } = merged.components;
  const { AccountSID: _accountSid, ...parameters } = allParameters ?? {};
  return { ...merged, paths, components: Object.keys(parameters).length > 0 ? { ...components, parameters } : components };
}
