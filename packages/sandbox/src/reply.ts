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

/** A field a request got wrong, as the error envelope lists it. */
export interface FieldError {
  Field: string;
  Message: string;
}

/** The API's error envelope (https://integrations.impact.com/impact-brand/reference/errors). */
export function errorReply(status: number, message: string, errors?: FieldError[]): Reply {
  return { status, json: { Status: "ERROR", Message: message, ...(errors ? { Errors: errors } : {}) } };
}

/** The API's server error (a `status` fault): the error envelope, telling the client to retry. */
export function serverErrorReply(status: number): Reply {
  return errorReply(status, "The server encountered an error. Retry with exponential backoff.");
}

/** 429 with the error envelope and the flavor's rate-limit headers (https://integrations.impact.com/impact-brand/reference/rate-limits). */
export function rateLimitedReply(headers: Record<string, string>): Reply {
  return { ...errorReply(429, "Rate limit exceeded."), headers };
}

/** A refusal sent with HTTP 200 and `{"Status":"ERROR","Message":…}`, as the agency API refuses an export. */
export function errorAs200Reply(message: string): Reply {
  return { status: 200, json: { Status: "ERROR", Message: message } };
}

/**
 * An export's refusal as the flavor sends it: with HTTP 200 and the field errors in the message when
 * the flavor refuses that way (`traits.refusalsAs200`), with `status` and the error envelope otherwise.
 */
export function exportRefusal(refusalsAs200: boolean, status: number, message: string, errors?: FieldError[]): Reply {
  if (!refusalsAs200) return errorReply(status, message, errors);
  return errorAs200Reply(errors ? `${message}: ${errors.map((error) => `${error.Field} ${error.Message}`).join("; ")}` : message);
}

/** An error as object storage sends it (an S3-style XML body). */
export function storageError(status: number, code: string, message: string): Reply {
  return {
    status,
    text: {
      body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>\n`,
      contentType: "application/xml",
    },
  };
}

/** The storage origin's server error (a `status` fault): the XML `InternalError`. */
export function storageServerError(status: number): Reply {
  return storageError(status, "InternalError", "We encountered an internal error. Please try again.");
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
