import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { readJson } from "./read-json.ts";
import { SpecError } from "./spec-error.ts";

/** One published API flavor: its sources live in `specs/sources/<id>/`, its package in `packages/<id>/`. */
export interface Flavor {
  id: string;
  package: string;
  api: "partner" | "agency" | "brand";
  apiVersion: string;
  title: string;
  basePath: string;
  accountType: string;
}

export const FLAVORS_FILE = "specs/flavors.json";

const flavorsSchema = {
  type: "object",
  required: ["flavors"],
  properties: {
    flavors: {
      type: "array",
      minItems: 1,
      items: {
        type: "object",
        additionalProperties: false,
        required: ["id", "package", "api", "apiVersion", "title", "basePath", "accountType"],
        properties: {
          id: { type: "string", pattern: "^[a-z][a-z0-9]*(-v[0-9]+)?$" },
          package: { type: "string", pattern: "^@impactkit/[a-z0-9-]+$" },
          api: { enum: ["partner", "agency", "brand"] },
          apiVersion: { type: "string", pattern: "^[0-9]+$" },
          title: { type: "string", minLength: 1 },
          basePath: { type: "string", pattern: "^/[A-Za-z]+/\\{AccountSID\\}$" },
          accountType: { type: "string", minLength: 1 },
        },
      },
    },
  },
} as const;

const validateFlavors = new Ajv2020({ allErrors: false }).compile<{ flavors: Flavor[] }>(flavorsSchema);

export function loadFlavors(root: string): Flavor[] {
  const config = readJson(join(root, FLAVORS_FILE), FLAVORS_FILE);
  if (!validateFlavors(config)) {
    const error = validateFlavors.errors?.[0];
    throw new SpecError(FLAVORS_FILE, error?.instancePath ?? "", error?.message ?? "invalid");
  }
  const ids = new Set<string>();
  config.flavors.forEach((flavor, index) => {
    if (ids.has(flavor.id)) throw new SpecError(FLAVORS_FILE, `/flavors/${index}/id`, `duplicate flavor id ${flavor.id}`);
    ids.add(flavor.id);
  });
  return config.flavors;
}
