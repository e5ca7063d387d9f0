import { InvalidArgumentError } from "../base/errors.js";
import type { ReportMetadata } from "../ops/reports.js";

/** What a column's values are read as. */
export type ColumnType = "string" | "number" | "boolean" | "date";

/**
 * How `records()` converts the strings of a result: `"auto"` reads what is unmistakably a number (no
 * leading zero: `"007"` stays an id), a boolean (`true`/`false`) or an ISO 8601 date (`YYYY-MM-DD`, with a
 * time or not) and leaves the rest; a map names each column's type (the others stay strings) — from a
 * report's metadata with `columnTypes`. An empty cell of a typed column is `null`; a value that does not
 * read as its type stays as it was, so nothing is lost.
 */
export type Coercion = "auto" | Readonly<Record<string, ColumnType>>;

const TYPES = new Set<string>(["string", "number", "boolean", "date"]);
const NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?$/;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[-+]\d{2}:?\d{2})?)?$/;

/** A `coerce` option, checked before any request. */
export function checkCoercion(coerce: unknown): Coercion | undefined {
  if (coerce === undefined || coerce === "auto") return coerce;
  if (typeof coerce !== "object" || coerce === null || Array.isArray(coerce))
    throw new InvalidArgumentError(`coerce must be "auto" or a map of column names to "string", "number", "boolean" or "date", got ${JSON.stringify(coerce)}`);
  for (const [column, type] of Object.entries(coerce)) {
    if (!TYPES.has(type as string))
      throw new InvalidArgumentError(
        `coerce: column ${JSON.stringify(column)} has type ${JSON.stringify(type)}; expected "string", "number", "boolean" or "date"`,
      );
  }
  return coerce as Coercion;
}

function asType(value: string, type: ColumnType): unknown {
  if (type === "string") return value;
  if (value.trim() === "") return null;
  if (type === "number") {
    const number = Number(value.trim());
    return Number.isFinite(number) ? number : value;
  }
  if (type === "boolean") {
    const lower = value.trim().toLowerCase();
    return lower === "true" ? true : lower === "false" ? false : value;
  }
  const date = new Date(value.trim());
  return Number.isNaN(date.getTime()) ? value : date;
}

function guessed(value: string): unknown {
  if (NUMBER.test(value)) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  if (ISO_DATE.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  return value;
}

/** `row` with its string values converted as `coercion` says (a new object; `row` is left as it was). */
export function coerceRow(row: Readonly<Record<string, unknown>>, coercion: Coercion): Record<string, unknown> {
  const converted: Record<string, unknown> = {};
  for (const [column, value] of Object.entries(row)) {
    if (typeof value !== "string") converted[column] = value;
    else if (coercion === "auto") converted[column] = guessed(value);
    else converted[column] = coercion[column] ? asType(value, coercion[column]) : value;
  }
  return converted;
}

/**
 * The column types a report's metadata gives (`Attributes[].DataType`): integers and decimals as numbers,
 * booleans, dates; anything else a string. The names are matched loosely (`Integer`, `Decimal`, `Date (…)`),
 * as the API's list of them is not documented.
 */
export function columnTypes(metadata: Pick<ReportMetadata, "Attributes">): Record<string, ColumnType> {
  const typeOf = (dataType: string | undefined): ColumnType => {
    const name = (dataType ?? "").trim().toLowerCase();
    if (/^(int|long|short|decimal|double|float|number|numeric|money|currency|percent)/.test(name)) return "number";
    if (/^bool/.test(name)) return "boolean";
    if (/^(date|time)/.test(name)) return "date";
    return "string";
  };
  return Object.fromEntries(metadata.Attributes.map((attribute) => [attribute.Name, typeOf(attribute.DataType)]));
}
