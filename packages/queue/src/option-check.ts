import { InvalidArgumentError } from "@impactkit/jobs";

/** `value` of option `name` when it is a whole number of at least `min`, else an `InvalidArgumentError` naming the option; `undefined` stays. */
export function wholeNumber(value: unknown, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min)
    throw new InvalidArgumentError(`${name} takes a whole number ≥ ${min}, got ${JSON.stringify(value)}`, name);
  return value;
}
