import { describe, expect, it } from "vitest";
import { nodeCsvRows } from "./node-rows.js";
import type { CsvRows, ResultRecord } from "./records.js";
import { webCsvRows } from "./web-rows.js";

/** `text` as UTF-8 chunks of `size` bytes: a character may be split between two. */
function chunked(text: string, size: number): Uint8Array[] {
  const bytes = new TextEncoder().encode(text);
  return Array.from({ length: Math.ceil(bytes.length / size) }, (_, index) => bytes.subarray(index * size, (index + 1) * size));
}

async function rows(parse: CsvRows, chunks: Uint8Array[]): Promise<ResultRecord[]> {
  const [first, ...rest] = chunks;
  const iterator = rest[Symbol.iterator]();
  const source: AsyncIterator<Uint8Array> = { next: async () => iterator.next() };
  const found: ResultRecord[] = [];
  for await (const row of parse(first!, source)) found.push(row);
  return found;
}

const CSV = '\uFEFFActionId,Payout,Note\r\n1,"12.50","café ✓ 日本"\r\n2,3.10,"two\nlines, and ""quotes"""\r\n\r\n3,0,🎉\r\n';

describe.each([
  ["Node.js streams", nodeCsvRows],
  ["the browser build", webCsvRows],
])("CSV rows through %s", (_name, parse) => {
  it.each([1, 2, 3, 7, 64, 4096])(
    "reads the same rows whatever the chunks (%i bytes): BOM, CRLF, quotes, line breaks and characters split between chunks",
    async (size) => {
      expect(await rows(parse, chunked(CSV, size))).toEqual([
        { ActionId: "1", Payout: "12.50", Note: "café ✓ 日本" },
        { ActionId: "2", Payout: "3.10", Note: 'two\nlines, and "quotes"' },
        { ActionId: "3", Payout: "0", Note: "🎉" },
      ]);
    },
  );

  it("rejects a quote that is never closed, yielding at most the rows before it", async () => {
    const found: ResultRecord[] = [];
    const [first, ...rest] = chunked('a,b\n1,2\n3,"open\n', 5);
    const iterator = rest[Symbol.iterator]();
    await expect(
      (async () => {
        for await (const row of parse(first!, { next: async () => iterator.next() })) found.push(row);
      })(),
    ).rejects.toThrow(/Quote Not Closed/);
    expect([{ a: "1", b: "2" }].slice(0, found.length)).toEqual(found);
  });
});
