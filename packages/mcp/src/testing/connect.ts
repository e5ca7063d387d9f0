import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";

/** A client of the SDK connected to `server` in memory, and every message the client received, as JSON text. */
export async function connect(server: McpServer): Promise<{ client: Client; received: string[]; close(): Promise<void> }> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const received: string[] = [];
  const client = new Client({ name: "impactkit-tests", version: "0" });
  await server.connect(serverSide);
  await client.connect(clientSide);
  // Wrapped after connecting, when the client has set its own handler: every message passes here first.
  const handle = clientSide.onmessage!;
  clientSide.onmessage = (message, extra) => {
    received.push(JSON.stringify(message));
    handle(message, extra);
  };
  return { client, received, close: () => client.close() };
}
