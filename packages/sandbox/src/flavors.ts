import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { FlavorTraits } from "@impactkit/core";
import { FLAVOR_PACKAGES, type FlavorId } from "./generated/flavors.js";

export type { FlavorId };

/** How one API flavor differs on the wire: its package's `SPEC`, whose traits are read from its merged spec. */
export interface SandboxFlavor {
  id: FlavorId;
  /** The API family (`partner`, `agency`, `brand`), as the resume tokens name it. */
  api: string;
  /** First path segment: `Mediapartners`, `Agencies` or `Advertisers`. */
  segment: string;
  /** The release, picked by the request's `IR-Version` header among the flavors of a segment. */
  apiVersion: string;
  /** The package whose merged OpenAPI document describes this flavor. */
  specPackage: string;
  traits: FlavorTraits;
}

const segmentOf = (basePath: string): string => basePath.split("/")[1]!;

/** Every flavor the sandbox serves: every flavor package of `specs/flavors.json`, in its order. */
export const FLAVORS: readonly SandboxFlavor[] = Object.entries(FLAVOR_PACKAGES).map(([id, { SPEC }]) => ({
  id: id as FlavorId,
  api: SPEC.api,
  segment: segmentOf(SPEC.basePath),
  apiVersion: SPEC.apiVersion,
  specPackage: `@impactkit/${id}`,
  traits: SPEC.traits,
}));

/**
 * The flavor a request speaks: its path's first segment, and among the releases of that segment the one its
 * `IR-Version` header names (https://integrations.impact.com/impact-publisher/reference/versioning); without
 * the header, the account's default — here the first release of the segment in `specs/flavors.json`.
 * `undefined` for a segment no flavor has; `{ version }` for a release the sandbox does not serve.
 */
export function flavorOf(segment: string, irVersion: string | undefined): SandboxFlavor | { unknownVersion: string } | undefined {
  const releases = FLAVORS.filter((flavor) => flavor.segment === segment);
  if (releases.length === 0) return undefined;
  if (irVersion === undefined || irVersion.trim() === "") return releases[0];
  return releases.find((flavor) => flavor.apiVersion === irVersion.trim()) ?? { unknownVersion: irVersion.trim() };
}

/** Whether the flavor's `RateLimit-Reset` counts seconds whatever its size: the IETF RateLimit fields' delta-seconds (draft-ietf-httpapi-ratelimit-headers), which partner sends. */
export function resetInSeconds(flavor: SandboxFlavor): boolean {
  return flavor.traits.rateLimitHeaders.reset.toLowerCase() === "ratelimit-reset";
}

const require = createRequire(import.meta.url);

/** The merged OpenAPI document of a flavor, as its package ships it. */
export function loadSpecDocument(flavor: SandboxFlavor): Record<string, unknown> {
  return JSON.parse(readFileSync(require.resolve(`${flavor.specPackage}/openapi.json`), "utf8")) as Record<string, unknown>;
}
