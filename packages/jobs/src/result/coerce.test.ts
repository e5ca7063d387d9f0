import { describe, expect, it } from "vitest";
import { checkCoercion, coerceRow, columnTypes } from "./coerce.js";
import { InvalidArgumentError } from "../base/errors.js";

describe("coercing a result's strings", () => {
  it('"auto" reads numbers, booleans and ISO dates, and keeps ids with leading zeros and everything else', () => {
    expect(
      coerceRow(
        {
          a: "12",
          b: "-3.5",
          c: "1e3",
          d: "007",
          e: "0",
          f: "0.25",
          g: "true",
          h: "2026-11-02",
          i: "2026-11-02T10:00:00Z",
          j: "12 USD",
          k: "",
          l: "2026-13-45",
          m: 4,
        },
        "auto",
      ),
    ).toEqual({
      a: 12,
      b: -3.5,
      c: 1000,
      d: "007",
      e: 0,
      f: 0.25,
      g: true,
      h: new Date("2026-11-02"),
      i: new Date("2026-11-02T10:00:00Z"),
      j: "12 USD",
      k: "",
      l: "2026-13-45",
      m: 4,
    });
  });

  it("a map types the columns it names; an empty typed cell is null; a value that does not read stays as it was", () => {
    expect(
      coerceRow(
        { Id: "007", Clicks: "42", Amount: " 3.10 ", When: "2026-11-02", Paid: "FALSE", Note: "x", Bad: "n/a", Empty: "" },
        { Clicks: "number", Amount: "number", When: "date", Paid: "boolean", Bad: "number", Empty: "date", Id: "string" },
      ),
    ).toEqual({
      Id: "007",
      Clicks: 42,
      Amount: 3.1,
      When: new Date("2026-11-02"),
      Paid: false,
      Note: "x",
      Bad: "n/a",
      Empty: null,
    });
  });

  it("takes the column types of a report's metadata", () => {
    const metadata = {
      Attributes: [
        { Name: "Clicks", DataType: "Integer" },
        { Name: "Amount", DataType: "Decimal" },
        { Name: "EventDate", DataType: "Date (yyyy-MM-dd)" },
        { Name: "Paid", DataType: "Boolean" },
        { Name: "ActionId", DataType: "String" },
        { Name: "Odd", DataType: undefined },
      ],
    };
    expect(columnTypes(metadata as never)).toEqual({
      Clicks: "number",
      Amount: "number",
      EventDate: "date",
      Paid: "boolean",
      ActionId: "string",
      Odd: "string",
    });
  });

  it("refuses a coerce option it cannot follow, naming what it takes", () => {
    expect(checkCoercion(undefined)).toBeUndefined();
    expect(checkCoercion("auto")).toBe("auto");
    expect(() => checkCoercion("numbers")).toThrow(InvalidArgumentError);
    expect(() => checkCoercion({ Clicks: "int" })).toThrow('coerce: column "Clicks" has type "int"; expected "string", "number", "boolean" or "date"');
  });
});
