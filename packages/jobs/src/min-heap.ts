/** A binary min-heap by `at`: the poll engine's one timer always serves the earliest entry. */
export class MinHeap<T extends { at: number }> {
  readonly #items: T[] = [];

  get size(): number {
    return this.#items.length;
  }

  peek(): T | undefined {
    return this.#items[0];
  }

  /** Keeps only the items `keep` accepts, in heap order again (Floyd's bottom-up build, O(n)). */
  retain(keep: (item: T) => boolean): void {
    const items = this.#items;
    const kept = items.filter(keep);
    items.length = 0;
    items.push(...kept);
    for (let start = (items.length >> 1) - 1; start >= 0; start -= 1) {
      const item = items[start]!;
      let index = start;
      for (let child = 2 * index + 1; child < items.length; child = 2 * index + 1) {
        if (child + 1 < items.length && items[child + 1]!.at < items[child]!.at) child += 1;
        if (items[child]!.at >= item.at) break;
        items[index] = items[child]!;
        index = child;
      }
      items[index] = item;
    }
  }

  push(item: T): void {
    const items = this.#items;
    items.push(item);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (items[parent]!.at <= item.at) break;
      items[index] = items[parent]!;
      index = parent;
    }
    items[index] = item;
  }

  pop(): T | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (items.length > 0 && last) {
      let index = 0;
      for (let child = 1; child < items.length; child = 2 * index + 1) {
        if (child + 1 < items.length && items[child + 1]!.at < items[child]!.at) child += 1;
        if (items[child]!.at >= last.at) break;
        items[index] = items[child]!;
        index = child;
      }
      items[index] = last;
    }
    return top;
  }
}
