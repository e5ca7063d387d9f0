import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { ApiSpec, FlavorTraits } from "@impactkit/core";
import { FLAVOR_PACKAGES, type FlavorId } from "./generated/flavors.js";

export type { FlavorId };

/** How one API flavor differs on the wire: its package's `SPEC`, whose traits are read from its merged spec. */
export interface SandboxFlavor {
  /** A flavor id of specs/flavors.json (`FlavorId` for the installed flavor packages). */
  id: string;
  /** The API family (`partner`, `agency`, `brand`), as the resume tokens name it. */
  api: string;
  /** First path segment: `Mediapartners`, `Agencies` or `Advertisers`. */
  segment: string;
  /** The account's base path, every path of the merged spec under it: `/Mediapartners/{AccountSID}`, … */
  basePath: string;
  /** The release, picked by the request's `IR-Version` header among the flavors of a segment. */
  apiVersion: string;
  traits: FlavorTraits;
  /** The flavor's merged OpenAPI document, which every JSON answer is validated against. */
  document(): Record<string, unknown>;
}

/** A release the sandbox serves beside the installed flavor packages: its `SPEC` and merged spec (a release generated but not yet installed). */
export interface ExtraFlavor {
  id: string;
  spec: ApiSpec;
  document: Record<string, unknown>;
}

const segmentOf = (basePath: string): string => basePath.split("/")[1]!;

const require = createRequire(import.meta.url);

function flavorOfSpec(id: string, spec: ApiSpec, document: () => Record<string, unknown>): SandboxFlavor {
  return { id, api: spec.api, segment: segmentOf(spec.basePath), basePath: spec.basePath, apiVersion: spec.apiVersion, traits: spec.traits, document };
}

/** Every flavor package of `specs/flavors.json`, in its order: the flavors every sandbox serves. */
export const FLAVORS: readonly SandboxFlavor[] = Object.entries(FLAVOR_PACKAGES).map(([id, { SPEC }]) =>
  flavorOfSpec(id, SPEC, () => JSON.parse(readFileSync(require.resolve(`@impactkit/${id}/openapi.json`), "utf8")) as Record<string, unknown>),
);

/** The flavors of one sandbox: the installed ones, then `extra` (checked: an id or a release served twice is an error). */
export function sandboxFlavors(extra: readonly ExtraFlavor[] = []): readonly SandboxFlavor[] {
  const flavors = [...FLAVORS, ...extra.map(({ id, spec, document }) => flavorOfSpec(id, spec, () => document))];
  flavors.forEach((flavor, index) => {
    const twin = flavors.findIndex((other) => other.id === flavor.id || (other.segment === flavor.segment && other.apiVersion === flavor.apiVersion));
    const other = flavors[twin]!;
    if (twin !== index)
      throw new Error(
        `the sandbox cannot serve flavor ${flavor.id} (/${flavor.segment}, version ${flavor.apiVersion}): it serves ${other.id} (/${other.segment}, version ${other.apiVersion}) already`,
      );
  });
  return flavors;
}

/**
 * The flavor a request speaks: its path's first segment, and among the releases of that segment the one its
 * `IR-Version` header names (https://integrations.impact.com/impact-publisher/reference/versioning); without
 * the header, the account's default — here the first release of the segment in `specs/flavors.json`.
 * `undefined` for a segment no flavor has; `{ version }` for a release the sandbox does not serve.
 */
export function flavorOf(
  flavors: readonly SandboxFlavor[],
  segment: string,
  irVersion: string | undefined,
): SandboxFlavor | { unknownVersion: string } | undefined {
  const releases = flavors.filter((flavor) => flavor.segment === segment);
  if (releases.length === 0) return undefined;
  if (irVersion === undefined || irVersion.trim() === "") return releases[0];
  return releases.find((flavor) => flavor.apiVersion === irVersion.trim()) ?? { unknownVersion: irVersion.trim() };
}

/** Whether the flavor's `RateLimit-Reset` counts seconds whatever its size: the IETF RateLimit fields' delta-seconds (draft-ietf-httpapi-ratelimit-headers), which partner sends. */
export function resetInSeconds(flavor: SandboxFlavor): boolean {
  return flavor.traits.rateLimitHeaders.reset.toLowerCase() === "ratelimit-reset";
}
