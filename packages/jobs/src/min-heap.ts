/** A binary min-heap by `at`: the poll engine's one timer always serves the earliest entry. */
export class MinHeap<T extends { at: number }> {
  readonly #items: T[] = [];

  peek(): T | undefined {
    return this.#items[0];
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
