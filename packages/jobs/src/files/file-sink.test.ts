import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileSink } from "./file-sink.js";
import { rejection } from "../testing.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "impactkit-sink-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Chunks of 1 KiB whose bytes say where they belong. */
const chunk = (index: number) => Buffer.alloc(1024, index % 251);

describe("FileSink", () => {
  it("writes straight to the file while writes are fast, never holding the transfer back", async () => {
    const file = await open(join(dir, "out"), "w");
    const sink = new FileSink(file, 4096, 2, () => 0);
    for (let index = 0; index < 100; index += 1) expect(sink.write(chunk(index))).toBeUndefined();
    expect(sink.synchronous).toBe(true);
    expect(await sink.finish()).toBe(100 * 1024);
    await file.close();
    expect(readFileSync(join(dir, "out")).equals(Buffer.concat(Array.from({ length: 100 }, (_, index) => chunk(index))))).toBe(true);
  });

  it("once writes keep being slow, goes through the thread pool with several writes in flight, holding back when they are", async () => {
    const file = await open(join(dir, "out"), "w");
    let time = 0;
    const sink = new FileSink(file, 4096, 2, () => (time += 10));
    let held = 0;
    for (let index = 0; index < 1_000; index += 1) {
      const full = sink.write(chunk(index));
      if (full) {
        held += 1;
        await full;
      }
    }
    expect(await sink.finish()).toBe(1_000 * 1024);
    await file.close();
    expect(readFileSync(join(dir, "out")).equals(Buffer.concat(Array.from({ length: 1_000 }, (_, index) => chunk(index))))).toBe(true);
    expect(sink.synchronous).toBe(false);
    // 16 chunks written as they came (a quarter of a batch each) were slow; the other 984 went in batches of 4, the first 2 not held.
    expect(held).toBe((1_000 - 16) / 4 - 2);
  });

  it.each([
    ["while writes are fast", () => 0],
    [
      "through the thread pool",
      (() => {
        let time = 0;
        return () => (time += 10);
      })(),
    ],
  ])("takes chunks as lent: one reused buffer refilled after each write still gives the bytes written %s", async (_, now) => {
    const file = await open(join(dir, "out"), "w");
    const sink = new FileSink(file, 4096, 2, now);
    const lent = Buffer.alloc(100);
    const expected: Buffer[] = [];
    for (let index = 0; index < 2_000; index += 1) {
      const size = index % 100 === 0 ? 100 : 1 + (index % 97);
      lent.fill(index % 251, 0, size);
      expected.push(Buffer.from(lent.subarray(0, size)));
      const full = sink.write(lent.subarray(0, size));
      if (full) await full;
    }
    expect(await sink.finish()).toBe(Buffer.concat(expected).length);
    await file.close();
    expect(readFileSync(join(dir, "out")).equals(Buffer.concat(expected))).toBe(true);
  });

  it("restart drops what was written and starts over at byte 0", async () => {
    const file = await open(join(dir, "out"), "w");
    const sink = new FileSink(file, 2048, 4, () => 0);
    for (let index = 0; index < 40; index += 1) await sink.write(chunk(1));
    await sink.restart();
    for (let index = 0; index < 3; index += 1) await sink.write(chunk(2));
    expect(await sink.finish()).toBe(3 * 1024);
    await file.close();
    expect(readFileSync(join(dir, "out")).equals(Buffer.concat([chunk(2), chunk(2), chunk(2)]))).toBe(true);
  });

  it("a failed write surfaces where the sink is used, never as an unhandled rejection", async () => {
    writeFileSync(join(dir, "read-only"), "");
    const file = await open(join(dir, "read-only"), "r");
    expect(() => new FileSink(file, 1024, 4, () => 0).write(chunk(0))).toThrow(expect.objectContaining({ code: "EBADF" }));
    let time = 0;
    const slow = new FileSink(file, 1024, 4, () => (time += 10));
    expect(() => slow.write(chunk(0))).toThrow(expect.objectContaining({ code: "EBADF" }));
    expect(slow.synchronous).toBe(true);
    await file.close();
  });

  it("one slow write alone (the process lost its core a moment) keeps writes synchronous", async () => {
    const file = await open(join(dir, "out"), "w");
    let calls = 0;
    const sink = new FileSink(file, 1024, 4, () => ((calls += 1) % 8 === 0 ? 100 * calls : 0));
    for (let index = 0; index < 64; index += 1) sink.write(chunk(index));
    expect(sink.synchronous).toBe(true);
    await sink.finish();
    await file.close();
  });

  it("a failed write in the thread pool surfaces at finish", async () => {
    const path = join(dir, "out");
    const file = await open(path, "w");
    let time = 0;
    const sink = new FileSink(file, 1024, 4, () => (time += 10));
    for (let index = 0; index < 16; index += 1) expect(sink.write(chunk(index))).toBeUndefined();
    expect(sink.synchronous).toBe(false);
    await file.close();
    for (let index = 16; index < 20; index += 1) expect(sink.write(chunk(index))).toBeUndefined();
    expect(await rejection(sink.finish())).toMatchObject({ code: "EBADF" });
  });
});
