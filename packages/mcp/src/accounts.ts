import type { Jobs } from "@impactkit/jobs";
import type { AnyJobs } from "./options.js";
import { z } from "zod";

/** The accounts a server acts for, and how a tool call names one. */
export interface Accounts {
  /** The `account` argument of every tool: one of the names (the first when left out). */
  readonly schema: z.ZodOptional<z.ZodEnum<Record<string, string>>>;
  /** The account a call named, or the first. */
  of(name: string | undefined): { name: string; jobs: Jobs<{}> };
}

/** `accounts` checked: at least one, each a `createJobs` instance. */
export function accountsOf(given: Readonly<Record<string, AnyJobs>>): Accounts {
  // The tools take their parameters from the agent, checked against each account's spec at run time: any flavor will do.
  const accounts = given as unknown as Readonly<Record<string, Jobs<{}>>>;
  const names = Object.keys(accounts);
  if (names.length === 0) throw new TypeError("createImpactMcpServer needs at least one account in `accounts`");
  for (const name of names)
    if (typeof accounts[name]?.exportReport !== "function") throw new TypeError(`accounts.${name} must be a Jobs instance (createJobs)`);
  return {
    schema: z
      .enum(names as [string, ...string[]])
      .optional()
      .describe(`The account to act for: ${names.join(", ")} (default ${names[0]})`),
    of: (name) => {
      const chosen = name ?? names[0]!;
      return { name: chosen, jobs: accounts[chosen]! };
    },
  };
}
