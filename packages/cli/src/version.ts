import { createRequire } from "node:module";

/** The version of `@impactkit/cli`, as its package.json says (`impactkit --version`). */
export const VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
