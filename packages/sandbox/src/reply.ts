import type { ServerResponse } from "node:http";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import type { Fault } from "./faults.js";
import { toXml } from "./xml.js";

/** What a route answers, before faults and content negotiation. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  /** A JSON body (sent as XML when the request did not ask for JSON). */
  json?: unknown;
  /** A raw body: its bytes and their length. */
  raw?: { stream: () => Readable; length: number; contentType: string };
  /** A body that is already text (an XML error of the storage origin). */
  text?: { body: string; contentType: string };
}

export interface DeliverOptions {
  fault: Fault | undefined;
  /** Whether the client asked for JSON (`Accept: application/json` or a `.json` suffix). */
  wantsJson: boolean;
  /** Pending timers of stalls and slow bodies, cleared when the sandbox closes. */
  timers: Set<NodeJS.Timeout>;
}

function later(timers: Set<NodeJS.Timeout>, ms: number, run: () => void): void {
  const timer = setTimeout(() => {
    timers.delete(timer);
    run();
  }, ms);
  timers.add(timer);
}

function serialise(reply: Reply, options: DeliverOptions): { body: Buffer | undefined; contentType: string | undefined } {
  if (reply.text) return { body: Buffer.from(reply.text.body), contentType: reply.text.contentType };
  if (reply.json === undefined) return { body: undefined, contentType: undefined };
  if (options.fault?.kind === "malformed-json") return { body: Buffer.from(JSON.stringify(reply.json).slice(0, -1).concat(',"')), contentType: "application/json" };
  if (!options.wantsJson || options.fault?.kind === "xml") {
    const body = Array.isArray(reply.json) ? { Jobs: reply.json } : reply.json;
    return { body: Buffer.from(toXml(body)), contentType: "application/xml; charset=utf-8" };
  }
  return { body: Buffer.from(JSON.stringify(reply.json)), contentType: "application/json; charset=utf-8" };
}

/**
 * Sends a reply, with the fault (if any) applied on the wire: a reset or stall before anything is sent,
 * a slow drip, or a body cut short of its Content-Length.
 */
export function deliver(response: ServerResponse, reply: Reply, options: DeliverOptions): void {
  const { fault, timers } = options;
  if (fault?.kind === "reset") {
    response.socket?.resetAndDestroy();
    return;
  }
  if (fault?.kind === "stall") {
    if (fault.ms !== undefined) later(timers, fault.ms, () => deliver(response, reply, { ...options, fault: undefined }));
    return;
  }
  const { body, contentType } = serialise(reply, options);
  const length = body?.length ?? reply.raw?.length ?? 0;
  const headers: Record<string, string> = { ...reply.headers };
  if (contentType ?? reply.raw?.contentType) headers["Content-Type"] = (contentType ?? reply.raw?.contentType)!;
  headers["Content-Length"] = String(length);
  response.writeHead(reply.status, headers);
  if (response.req.method === "HEAD") {
    response.end();
    return;
  }
  if (fault?.kind === "truncate") {
    const keep = Math.floor(length * (fault.fraction ?? 0.5));
    if (body) {
      response.write(body.subarray(0, keep), () => response.destroy());
    } else if (reply.raw) {
      const source = reply.raw.stream();
      const cut = Readable.from(
        (async function* () {
          let sent = 0;
          for await (const chunk of source as AsyncIterable<Buffer>) {
            const part = chunk.subarray(0, keep - sent);
            sent += part.length;
            if (part.length > 0) yield part;
            if (sent >= keep) break;
          }
        })(),
      );
      cut.pipe(response, { end: false });
      cut.on("end", () => response.write("", () => response.destroy()));
      response.on("close", () => cut.destroy());
    } else response.destroy();
    return;
  }
  if (fault?.kind === "slow") {
    const step = Math.max(1, Math.floor(fault.bytesPerSecond / 10));
    const source = body ? Readable.from([body]) : reply.raw!.stream();
    const dripped = Readable.from(
      (async function* () {
        for await (const chunk of source as AsyncIterable<Buffer>) {
          for (let offset = 0; offset < chunk.length; offset += step) {
            yield chunk.subarray(offset, offset + step);
            await sleep(100);
          }
        }
      })(),
    );
    dripped.pipe(response);
    response.on("close", () => dripped.destroy());
    return;
  }
  if (body) response.end(body);
  else if (reply.raw) {
    const source = reply.raw.stream();
    source.pipe(response);
    response.on("close", () => source.destroy());
  } else response.end();
}
