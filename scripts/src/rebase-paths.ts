import { toPointer } from "./json-pointer.ts";
import type { MergedFragments } from "./merge-fragments.ts";
import { SpecError } from "./spec-error.ts";

type Json = Record<string, unknown>;

const ACCOUNT_SID_REF = "#/components/parameters/AccountSID";

function isAccountSid(parameter: Json): boolean {
  return parameter["$ref"] === ACCOUNT_SID_REF || (parameter["name"] === "AccountSID" && parameter["in"] === "path");
}

/**
 * The docs publish every path under the account's base path (`/Mediapartners/{AccountSID}/Jobs`, …).
 * The merged spec moves that prefix into the server URL, as a server variable (OpenAPI 3.1 §4.8.6), so
 * the generated client fills the Account SID once and callers write `/Jobs/{JobId}`.
 * Each path must start with the flavor's base path; the `AccountSID` parameter is removed.
 */
export function rebasePaths(merged: MergedFragments, basePath: string, file: string): MergedFragments {
  const paths: MergedFragments["paths"] = {};
  for (const [path, item] of Object.entries(merged.paths)) {
    if (!path.startsWith(`${basePath}/`)) {
      throw new SpecError(file, toPointer(["paths", path]), `path does not start with the flavor's base path ${basePath}`);
    }
    const rebased: Json = {};
    for (const [method, operation] of Object.entries(item)) {
      const { parameters, ...rest } = operation as Json;
      const kept = ((parameters ?? []) as Json[]).filter((parameter) => !isAccountSid(parameter));
      rebased[method] = kept.length > 0 ? { ...rest, parameters: kept } : rest;
    }
    paths[path.slice(basePath.length)] = rebased;
  }
  const { parameters: allParameters, ...components } = merged.components;
  const { AccountSID: _accountSid, ...parameters } = allParameters ?? {};
  return { ...merged, paths, components: Object.keys(parameters).length > 0 ? { ...components, parameters } : components };
}
