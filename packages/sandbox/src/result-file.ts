import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import type { ResultFormat } from "./job-store.js";

/**
 * A deterministic result file of fixed-width rows, so that its size is known without generating it
 * (Content-Length), any byte range can be produced from its offset (Range), and any size, several GiB
 * included, streams in constant memory. Values are strings, as impact.com's exports send them.
 */
export interface ResultFile {
  readonly format: ResultFormat;
  readonly rows: number;
  readonly size: number;
  readonly contentType: string;
  /** The bytes `start` to `end` inclusive (RFC 9110 §14.1.2 byte positions), streamed. */
  stream(start?: number, end?: number): Readable;
}

export interface ResultSpec {
  format: ResultFormat;
  rows: number;
  /** Varies the values between jobs. */
  seed: number;
  eventDate: string;
  programId: string;
}

/** The columns of every result the sandbox makes (a report's `Attributes`). */
export const FIELDS = ["ActionId", "EventDate", "ProgramId", "Clicks", "Amount"] as const;
const BLOCK_ROWS = 1000;

interface Layout {
  header: Buffer;
  row: Buffer;
  footer: Buffer;
  /** Byte offsets of the varying digits in a row: [offset, width] for ActionId, Clicks, Amount units, Amount cents. */
  digits: { actionId: number; clicks: number; amount: number; cents: number };
  /** JSON rows start with "," except the first, which starts with " ". */
  firstRowPrefix?: number;
}

function fixed(value: string, width: number): string {
  return value.length >= width ? value.slice(-width) : value.padStart(width, "0");
}

function layoutOf(spec: ResultSpec): Layout {
  const values = {
    ActionId: "0".repeat(10),
    EventDate: spec.eventDate,
    ProgramId: fixed(spec.programId.replace(/[^0-9A-Za-z]/g, ""), 8),
    Clicks: "0".repeat(5),
    Amount: `${"0".repeat(6)}.00`,
  };
  let header: string;
  let row: string;
  let footer: string;
  switch (spec.format) {
    case "CSV":
      header = `${FIELDS.join(",")}\n`;
      row = `${FIELDS.map((field) => values[field]).join(",")}\n`;
      footer = "";
      break;
    case "JSON":
      header = '{"Records":[\n';
      row = `,{${FIELDS.map((field) => `"${field}":"${values[field]}"`).join(",")}}\n`;
      footer = "]}\n";
      break;
    case "XML":
      header = '<?xml version="1.0" encoding="UTF-8"?>\n<Records>\n';
      row = `<Record>${FIELDS.map((field) => `<${field}>${values[field]}</${field}>`).join("")}</Record>\n`;
      footer = "</Records>\n";
      break;
  }
  const at = (field: (typeof FIELDS)[number]): number => {
    const marker = spec.format === "CSV" ? undefined : spec.format === "JSON" ? `"${field}":"` : `<${field}>`;
    if (marker) return row.indexOf(marker) + marker.length;
    return FIELDS.slice(0, FIELDS.indexOf(field)).reduce((offset, previous) => offset + values[previous].length + 1, 0);
  };
  const amount = at("Amount");
  return {
    header: Buffer.from(header),
    row: Buffer.from(row),
    footer: Buffer.from(footer),
    digits: { actionId: at("ActionId"), clicks: at("Clicks"), amount, cents: amount + 7 },
    ...(spec.format === "JSON" ? { firstRowPrefix: 0 } : {}),
  };
}

function writeDigits(buffer: Buffer, position: number, value: number, width: number): void {
  let rest = value;
  for (let index = position + width - 1; index >= position; index -= 1) {
    buffer[index] = 48 + (rest % 10);
    rest = Math.floor(rest / 10);
  }
}

/**
 * Rows come in blocks of 1,000: a block is a copy of one pre-rendered "cycle" block (values varying with
 * the row's position and the seed; ActionId's last three digits) with the block number written into
 * ActionId's first seven digits. Rendering is then two memory copies per row.
 */
function cycleBlock(layout: Layout, seed: number): Buffer {
  const length = layout.row.length;
  const block = Buffer.allocUnsafe(BLOCK_ROWS * length).fill(layout.row);
  for (let position = 0; position < BLOCK_ROWS; position += 1) {
    const base = position * length;
    const mixed = (Math.imul(position + 1, 2654435761) ^ seed) >>> 0;
    writeDigits(block, base + layout.digits.actionId + 7, position, 3);
    writeDigits(block, base + layout.digits.clicks, mixed % 100_000, 5);
    writeDigits(block, base + layout.digits.amount, (mixed >>> 7) % 1_000_000, 6);
    writeDigits(block, base + layout.digits.cents, mixed % 100, 2);
  }
  return block;
}

function renderBlock(layout: Layout, cycle: Buffer, blockIndex: number, rows: number): Buffer {
  const length = layout.row.length;
  const buffer = Buffer.from(cycle.subarray(0, rows * length));
  const high = Buffer.alloc(7);
  writeDigits(high, 0, blockIndex, 7);
  for (let position = 0; position < rows; position += 1) buffer.set(high, position * length + layout.digits.actionId);
  if (layout.firstRowPrefix !== undefined && blockIndex === 0) buffer[layout.firstRowPrefix] = 0x20;
  return buffer;
}

const CONTENT_TYPES: Record<ResultFormat, string> = { CSV: "text/csv; charset=utf-8", JSON: "application/json", XML: "application/xml" };

export function resultFile(spec: ResultSpec): ResultFile {
  const layout = layoutOf(spec);
  const cycle = cycleBlock(layout, spec.seed);
  const rowsStart = layout.header.length;
  const rowsEnd = rowsStart + spec.rows * layout.row.length;
  const size = rowsEnd + layout.footer.length;

  function* bytes(start: number, end: number): Generator<Buffer> {
    if (start < rowsStart) yield layout.header.subarray(start, Math.min(rowsStart, end + 1));
    const firstRow = Math.max(0, Math.floor((start - rowsStart) / layout.row.length));
    const lastRow = Math.min(spec.rows, Math.ceil((Math.min(end + 1, rowsEnd) - rowsStart) / layout.row.length));
    for (let block = Math.floor(firstRow / BLOCK_ROWS); block * BLOCK_ROWS < lastRow; block += 1) {
      const chunkStart = rowsStart + block * BLOCK_ROWS * layout.row.length;
      const chunk = renderBlock(layout, cycle, block, Math.min(BLOCK_ROWS, spec.rows - block * BLOCK_ROWS));
      yield chunk.subarray(Math.max(0, start - chunkStart), Math.min(chunk.length, end + 1 - chunkStart));
    }
    if (end >= rowsEnd && layout.footer.length > 0) yield layout.footer.subarray(Math.max(0, start - rowsEnd), end + 1 - rowsEnd);
  }

  return {
    format: spec.format,
    rows: spec.rows,
    size,
    contentType: CONTENT_TYPES[spec.format],
    stream(start = 0, end = size - 1) {
      if (start < 0 || end >= size || (start > end && size > 0)) throw new RangeError(`bytes ${start}-${end} are outside 0-${size - 1}`);
      return Readable.from(bytes(start, end), { objectMode: false, highWaterMark: 1 << 16 });
    },
  };
}

/** The sha256 of a result file, computed by streaming it. */
export async function resultSha256(file: ResultFile): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of file.stream()) hash.update(chunk as Buffer);
  return hash.digest("hex");
}
