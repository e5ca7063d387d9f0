import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MinHeap } from "./min-heap.js";

interface Item {
  at: number;
  heapIndex: number;
  name: number;
}

const item = (name: number): Item => ({ at: 0, heapIndex: -1, name });

const drain = (heap: MinHeap<Item>) => {
  const out: number[] = [];
  for (let top = heap.pop(); top; top = heap.pop()) {
    expect(top.heapIndex).toBe(-1);
    out.push(top.at);
  }
  return out;
};

/** An operation on the heap: set item `name` due `at`, or delete it. */
const operation = fc.oneof(
  fc.record({ kind: fc.constant("set" as const), name: fc.integer({ min: 0, max: 20 }), at: fc.integer({ min: -1_000, max: 1_000 }) }),
  fc.record({ kind: fc.constant("delete" as const), name: fc.integer({ min: 0, max: 20 }) }),
);

describe("MinHeap", () => {
  it("pops in order of `at`, whatever the order of sets", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1_000, max: 1_000 })), (values) => {
        const heap = new MinHeap<Item>();
        for (const [name, at] of values.entries()) heap.set(item(name), at);
        expect(drain(heap)).toEqual([...values].sort((a, b) => a - b));
      }),
    );
  });

  it("moves an item set again and takes out a deleted one, wherever they are: it ends as a map from item to its last `at`", () => {
    fc.assert(
      fc.property(fc.array(operation), (operations) => {
        const heap = new MinHeap<Item>();
        const items = Array.from({ length: 21 }, (_, name) => item(name));
        const expected = new Map<number, number>();
        for (const step of operations) {
          if (step.kind === "set") {
            heap.set(items[step.name]!, step.at);
            expected.set(step.name, step.at);
          } else {
            heap.delete(items[step.name]!);
            expected.delete(step.name);
          }
          expect(heap.size).toBe(expected.size);
        }
        expect(drain(heap)).toEqual([...expected.values()].sort((a, b) => a - b));
      }),
    );
  });
});
