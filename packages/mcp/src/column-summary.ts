/** A column's type as the rows show it: what `records()`' automatic conversion made of every non-empty value. */
export type ValueType = "number" | "date" | "boolean" | "string" | "empty";

/** What a summary says of one column. */
export interface ColumnSummary {
  name: string;
  type: ValueType;
  /** Empty cells. */
  nulls: number;
  /** For numbers and dates (ISO 8601): the least and the greatest value; null for other types. */
  min: number | string | null;
  max: number | string | null;
}

const typeOf = (value: unknown): ValueType | undefined =>
  value === null || value === undefined || value === ""
    ? undefined
    : value instanceof Date
      ? "date"
      : typeof value === "number"
        ? "number"
        : typeof value === "boolean"
          ? "boolean"
          : "string";

/** Counts rows and describes each column: its type (mixed values make it `string`), empty cells, and the range of numbers and dates. */
export class ColumnStats {
  rows = 0;
  readonly #columns = new Map<string, { types: Set<ValueType>; nulls: number; min?: number; max?: number }>();

  add(row: Readonly<Record<string, unknown>>): void {
    this.rows += 1;
    for (const [name, value] of Object.entries(row)) {
      let column = this.#columns.get(name);
      if (!column) this.#columns.set(name, (column = { types: new Set(), nulls: this.rows - 1 }));
      const type = typeOf(value);
      if (type === undefined) {
        column.nulls += 1;
        continue;
      }
      column.types.add(type);
      const number = type === "number" ? (value as number) : type === "date" ? (value as Date).getTime() : undefined;
      if (number === undefined || Number.isNaN(number)) continue;
      column.min = column.min === undefined ? number : Math.min(column.min, number);
      column.max = column.max === undefined ? number : Math.max(column.max, number);
    }
  }

  columns(): ColumnSummary[] {
    return [...this.#columns].map(([name, column]) => {
      const type: ValueType = column.types.size === 0 ? "empty" : column.types.size === 1 ? [...column.types][0]! : "string";
      const shown = (value: number | undefined) =>
        value === undefined || (type !== "number" && type !== "date") ? null : type === "date" ? new Date(value).toISOString() : value;
      return { name, type, nulls: column.nulls, min: shown(column.min), max: shown(column.max) };
    });
  }
}
