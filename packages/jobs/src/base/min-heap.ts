/** An item of a `MinHeap`: when it is due, and where it sits in the heap (-1 when it is not in it), which the heap keeps. */
export interface HeapItem {
  at: number;
  heapIndex: number;
}

/**
 * A binary min-heap by `at` whose items know their place, so that one can be moved or taken out where it
 * is: the poll engine's one timer always serves the earliest wait, and rescheduling a wait moves it instead
 * of leaving a stale item behind — nothing is allocated per check.
 */
export class MinHeap<T extends HeapItem> {
  readonly #items: T[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  /** Puts `item` in the heap due `at`, or moves it there when it is in already. */
  set(item: T, at: number): void {
    item.at = at;
    if (item.heapIndex < 0) {
      item.heapIndex = this.#items.length;
      this.#items.push(item);
    }
    this.#down(this.#up(item.heapIndex));
  }

  /** Takes the earliest item out. */
  pop(): T | undefined {
    const top = this.#items[0];
    if (top) this.delete(top);
    return top;
  }

  /** Takes `item` out, wherever it is; nothing when it is not in the heap. */
  delete(item: T): void {
    const index = item.heapIndex;
    if (index < 0) return;
    item.heapIndex = -1;
    const last = this.#items.pop()!;
    if (last === item) return;
    this.#place(last, index);
    this.#down(this.#up(index));
  }

  #place(item: T, index: number): void {
    this.#items[index] = item;
    item.heapIndex = index;
  }

  /** Moves the item at `index` up while it is due before its parent; returns where it ends. */
  #up(index: number): number {
    const items = this.#items;
    const item = items[index]!;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (items[parent]!.at <= item.at) break;
      this.#place(items[parent]!, index);
      index = parent;
    }
    this.#place(item, index);
    return index;
  }

  /** Moves the item at `index` down while a child is due before it. */
  #down(index: number): void {
    const items = this.#items;
    const item = items[index]!;
    for (let child = 2 * index + 1; child < items.length; child = 2 * index + 1) {
      if (child + 1 < items.length && items[child + 1]!.at < items[child]!.at) child += 1;
      if (items[child]!.at >= item.at) break;
      this.#place(items[child]!, index);
      index = child;
    }
    this.#place(item, index);
  }
}
