import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MinHeap } from "./min-heap.js";

const drain = (heap: MinHeap<{ at: number }>) => {
  const out: number[] = [];
  for (let item = heap.pop(); item; item = heap.pop()) out.push(item.at);
  return out;
};

describe("MinHeap", () => {
  it("pops in order of `at`, whatever the order of pushes", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1_000, max: 1_000 })), (values) => {
        const heap = new MinHeap<{ at: number }>();
        for (const at of values) heap.push({ at });
        expect(drain(heap)).toEqual([...values].sort((a, b) => a - b));
      }),
    );
  });

  it("retain keeps exactly the accepted items, still in heap order", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 500 })), fc.integer({ min: 1, max: 5 }), (values, every) => {
        const heap = new MinHeap<{ at: number; index: number }>();
        values.forEach((at, index) => heap.push({ at, index }));
        heap.retain((item) => item.index % every === 0);
        const kept = values.filter((_, index) => index % every === 0);
        expect(heap.size).toBe(kept.length);
        heap.push({ at: 250, index: -1 });
        expect(drain(heap)).toEqual([...kept, 250].sort((a, b) => a - b));
      }),
    );
  });
});
