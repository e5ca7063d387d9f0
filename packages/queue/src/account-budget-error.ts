import { JobsError } from "@impactkit/jobs";

/**
 * An account's fleet-wide budget is spent (or the API answered 429): nothing was sent. The pipeline that
 * meets it sleeps in the delayed set until `retryInMs` has passed, holding no worker slot, and other
 * accounts' pipelines go on.
 */
export class AccountBudgetError extends JobsError {
  override name = "AccountBudgetError";
  override readonly code: string = "IMPACTKIT_ACCOUNT_BUDGET";
  declare readonly account: string;
  declare readonly retryInMs: number;

  constructor(account: string, retryInMs: number, why: string) {
    super(`account ${account}: ${why}; its pipelines wait ${Math.ceil(retryInMs / 1000)} s`);
    this.account = account;
    this.retryInMs = retryInMs;
  }
}
