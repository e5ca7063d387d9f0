import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";

/**
 * The stdio transport (https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#stdio) on
 * `stdin` and `stdout` (default: the process's), for `server.connect()`: messages are JSON-RPC lines, so nothing
 * else may be written to `stdout` while it is connected.
 */
export function stdioTransport(stdin: NodeJS.ReadableStream = process.stdin, stdout: NodeJS.WritableStream = process.stdout): Transport {
  return new StdioServerTransport(stdin as never, stdout as never);
}
