import type { Jobs } from "@impactkit/jobs";

/** The `Jobs` of an account of any flavor (`createJobs(createClient(…))`): the tools check what an agent sends against the account's own spec. */
// biome-ignore lint/suspicious/noExplicitAny: accounts of different flavors (their paths) serve side by side.
export type AnyJobs = Jobs<any>;

/** What `createImpactMcpServer` serves: the accounts it acts for, where results may be written, and how long one wait may take. */
export interface ImpactMcpOptions {
  /**
   * The accounts the tools act for, by name (the CLI's profile names): each a `createJobs` instance, so every
   * call goes through that instance's rate gate, list observer and export quota. With more than one, each tool
   * takes an `account` argument; the first is the default. Accounts may be of different flavors.
   */
  accounts: Readonly<Record<string, AnyJobs>>;
  /** The folder results are downloaded into: no tool writes or reads a file outside it (`..`, absolute paths and symbolic links out are refused). */
  directory: string;
  /** The longest one `wait_for_job` call waits before it returns where the job stands (default 5 minutes); the call may ask for less. */
  maxWaitMs?: number;
}
