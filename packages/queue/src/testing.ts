/**
 * `@impactkit/queue/testing`: a throwaway real Redis for the tests of code that uses the queue — on a free
 * port, in a temporary directory, without persistence — and a dump of everything in it, to check that no
 * credential reached Redis.
 *
 * @packageDocumentation
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

/** What to do when the tests find no Redis: one line, never a silent skip. */
export const REDIS_MISSING =
  "redis-server not found: the queue tests run a real Redis — install it (Debian/Ubuntu: apt-get install redis-server; macOS: brew install redis)";

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A `redis-server` that `startRedis` started for a test: where it listens, a client, and how to stop it. */
export interface ThrowawayRedis {
  /** Its URL, `redis://127.0.0.1:<port>`. */
  url: string;
  /** A client for the test's own reads (scans, counts). */
  client: Redis;
  /** Disconnects the client, stops the server and removes its directory. */
  stop(): Promise<void>;
}

/**
 * The environment without libfaketime's variables: tests that run the client at another date (`faketime`) keep
 * Redis on the machine's own clock — as a Redis elsewhere would be — and redis-server's allocator cannot start
 * under libfaketime anyway.
 */
function ownClock(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => name !== "LD_PRELOAD" && !name.startsWith("FAKETIME")));
}

/** Starts a real `redis-server` on a free port (or `port`: a Redis back after an outage) with a temporary directory and no persistence. */
export async function startRedis(options: { port?: number } = {}): Promise<ThrowawayRedis> {
  const dir = mkdtempSync(join(tmpdir(), "impactkit-redis-"));
  const port = options.port ?? (await freePort());
  const server = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"], {
    stdio: ["ignore", "pipe", "pipe"],
    env: ownClock(process.env),
  });
  await new Promise<void>((resolve, reject) => {
    let output = "";
    server.once("error", (error: NodeJS.ErrnoException) => reject(error.code === "ENOENT" ? new Error(REDIS_MISSING) : error));
    server.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) resolve();
    });
    server.once("exit", (code) => reject(new Error(`redis-server exited ${code}: ${output}`)));
  });
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url);
  return {
    url,
    client,
    async stop() {
      client.disconnect();
      const exited = new Promise((resolve) => server.once("exit", resolve));
      server.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every key of the database and every value in it (strings, hashes, lists, sets, sorted sets, streams), as text. */
export async function dumpRedis(redis: Redis): Promise<string[]> {
  const out: string[] = [];
  for (const key of await redis.keys("*")) {
    out.push(key);
    const type = await redis.type(key);
    if (type === "string") out.push((await redis.get(key)) ?? "");
    else if (type === "hash") out.push(...Object.entries(await redis.hgetall(key)).flat());
    else if (type === "list") out.push(...(await redis.lrange(key, 0, -1)));
    else if (type === "set") out.push(...(await redis.smembers(key)));
    else if (type === "zset") out.push(...(await redis.zrange(key, 0, "-1")));
    else if (type === "stream") out.push(JSON.stringify(await redis.xrange(key, "-", "+")));
    else out.push(`<${type}>`);
  }
  return out;
}
