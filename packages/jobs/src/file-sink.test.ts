import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FileSink } from "./file-sink.js";
import { rejection } from "./test-support.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "impactkit-sink-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Chunks of 1 KiB whose bytes say where they belong. */
const chunk = (index: number) => Buffer.alloc(1024, index % 251);

describe("FileSink", () => {
  it("writes every chunk at its place with several writes in flight, and holds back when they are", async () => {
    const file = await open(join(dir, "out"), "w");
    const sink = new FileSink(file, 4096, 2);
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
    expect(held).toBe(250 - 2);
  });

  it("restart drops what was written and starts over at byte 0", async () => {
    const file = await open(join(dir, "out"), "w");
    const sink = new FileSink(file, 2048, 4);
    for (let index = 0; index < 40; index += 1) await sink.write(chunk(1));
    await sink.restart();
    for (let index = 0; index < 3; index += 1) await sink.write(chunk(2));
    expect(await sink.finish()).toBe(3 * 1024);
    await file.close();
    expect(readFileSync(join(dir, "out")).equals(Buffer.concat([chunk(2), chunk(2), chunk(2)]))).toBe(true);
  });

  it("a failed write surfaces where the sink is awaited, never as an unhandled rejection", async () => {
    writeFileSync(join(dir, "read-only"), "");
    const file = await open(join(dir, "read-only"), "r");
    const sink = new FileSink(file, 1024, 4);
    for (let index = 0; index < 3; index += 1) expect(sink.write(chunk(index))).toBeUndefined();
    expect(await rejection(sink.finish())).toMatchObject({ code: "EBADF" });
    await file.close();
  });
});
