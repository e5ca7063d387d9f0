import { createRequire } from "node:module";

/** The version of `@impactkit/mcp`, as its package.json says: the server's version in the MCP handshake. */
export const VERSION: string = (createRequire(import.meta.url)("../package.json") as { version: string }).version;
