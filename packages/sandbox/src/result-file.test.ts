import { describe, expect, it } from "vitest";
import { resultFile, resultSha256, type ResultSpec } from "./result-file.js";

const spec = (change: Partial<ResultSpec> = {}): ResultSpec => ({ format: "CSV", rows: 5, seed: 7, eventDate: "2026-11-24", programId: "1234", ...change });

async function text(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

describe("resultFile", () => {
  it("writes a CSV with a header and fixed-width rows whose size is known up front", async () => {
    const file = resultFile(spec());
    const body = await text(file.stream());
    const lines = body.trimEnd().split("\n");
    expect(lines[0]).toBe("ActionId,EventDate,ProgramId,Clicks,Amount");
    expect(lines).toHaveLength(6);
    expect(lines[1]).toMatch(/^0000000000,2026-11-24,00001234,\d{5},\d{6}\.\d{2}$/);
    expect(lines[5]).toMatch(/^0000000004,/);
    expect(Buffer.byteLength(body)).toBe(file.size);
    expect(file.contentType).toBe("text/csv; charset=utf-8");
  });

  it.each([["JSON"], ["XML"]] as const)("writes a well-formed %s file", async (format) => {
    const file = resultFile(spec({ format, rows: 3 }));
    const body = await text(file.stream());
    expect(Buffer.byteLength(body)).toBe(file.size);
    if (format === "JSON") {
      const parsed = JSON.parse(body) as { Records: Array<Record<string, string>> };
      expect(parsed.Records.map((record) => record["ActionId"])).toEqual(["0000000000", "0000000001", "0000000002"]);
      expect(parsed.Records[0]).toMatchObject({ EventDate: "2026-11-24", ProgramId: "00001234" });
    } else {
      expect(body.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<Records>\n<Record><ActionId>0000000000</ActionId>')).toBe(true);
      expect(body.endsWith("</Record>\n</Records>\n")).toBe(true);
      expect(body.match(/<Record>/g)).toHaveLength(3);
    }
  });

  it("writes an empty export as a valid empty file", async () => {
    expect(JSON.parse(await text(resultFile(spec({ format: "JSON", rows: 0 })).stream()))).toEqual({ Records: [] });
  });

  it("produces any byte range identical to the same bytes of the whole file", async () => {
    for (const format of ["CSV", "JSON", "XML"] as const) {
      const file = resultFile(spec({ format, rows: 3500 }));
      const whole = Buffer.from(await text(file.stream()));
      for (const [start, end] of [
        [0, 0],
        [10, 5000],
        [whole.length - 7, whole.length - 1],
        [100_000, 100_000],
        [0, whole.length - 1],
      ] as const) {
        expect(Buffer.from(await text(file.stream(start, end)))).toEqual(whole.subarray(start, end + 1));
      }
    }
  });

  it("numbers rows across blocks of 1,000", async () => {
    const lines = (await text(resultFile(spec({ rows: 2002 })).stream())).trimEnd().split("\n");
    expect(lines.slice(1000, 1003).map((line) => line.slice(0, 10))).toEqual(["0000000999", "0000001000", "0000001001"]);
    expect(lines.at(-1)!.slice(0, 10)).toBe("0000002001");
  });

  it("is deterministic per seed and differs between seeds", async () => {
    expect(await resultSha256(resultFile(spec()))).toBe(await resultSha256(resultFile(spec())));
    expect(await resultSha256(resultFile(spec()))).not.toBe(await resultSha256(resultFile(spec({ seed: 8 }))));
  });

  it("refuses a range outside the file", () => {
    expect(() => resultFile(spec()).stream(0, 10_000)).toThrow(RangeError);
  });
});
