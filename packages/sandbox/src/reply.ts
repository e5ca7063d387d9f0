import { Readable } from "node:stream";
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

/** A reply as it goes on the wire: status, headers (with `Content-Type` and `Content-Length`) and bytes. */
export interface Payload {
  status: number;
  headers: Record<string, string>;
  length: number;
  /** The body's bytes, streamed; `undefined` for a response without a body. */
  body: (() => Readable) | undefined;
}

/**
 * How a JSON body is written: as the request negotiated (`json` or `xml`: JSON only for
 * `Accept: application/json` or a `.json` suffix, https://integrations.impact.com/impact-brand/reference/responses),
 * or cut short of its closing characters although it says it is JSON (`malformed-json`).
 */
export type BodyFormat = "json" | "xml" | "malformed-json";

function serialise(reply: Reply, format: BodyFormat): { body: Buffer; contentType: string } | undefined {
  if (reply.text) return { body: Buffer.from(reply.text.body), contentType: reply.text.contentType };
  if (reply.json === undefined) return undefined;
  if (format === "malformed-json") return { body: Buffer.from(JSON.stringify(reply.json).slice(0, -1).concat(',"')), contentType: "application/json" };
  if (format === "xml") {
    const body = Array.isArray(reply.json) ? { Jobs: reply.json } : reply.json;
    return { body: Buffer.from(toXml(body)), contentType: "application/xml; charset=utf-8" };
  }
  return { body: Buffer.from(JSON.stringify(reply.json)), contentType: "application/json; charset=utf-8" };
}

/** A reply's bytes and framing headers. */
export function encode(reply: Reply, format: BodyFormat): Payload {
  const serialised = serialise(reply, format);
  const headers: Record<string, string> = { ...reply.headers };
  const contentType = serialised?.contentType ?? reply.raw?.contentType;
  if (contentType) headers["Content-Type"] = contentType;
  const length = serialised?.body.length ?? reply.raw?.length ?? 0;
  headers["Content-Length"] = String(length);
  const body = serialised ? () => Readable.from([serialised.body]) : reply.raw?.stream;
  return { status: reply.status, headers, length, body };
}
