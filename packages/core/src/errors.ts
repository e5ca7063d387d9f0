/**
 * The root of every error an `@impactkit` package throws. `code` is stable (programs branch on it; the
 * message is for people and may change), as undici's and Node.js's errors do
 * (https://nodejs.org/api/errors.html#errorcode). Messages never contain credentials.
 */
export class ImpactkitError extends Error {
  override name = "ImpactkitError";
  /** A stable identifier of the kind of failure, such as `IMPACTKIT_JOB_FAILED`. */
  readonly code: string = "IMPACTKIT_ERROR";
}

/** An argument or option was invalid; nothing was sent. `option` names it when one is at fault. */
export class InvalidArgumentError extends ImpactkitError {
  override name = "InvalidArgumentError";
  override readonly code: string = "IMPACTKIT_INVALID_ARGUMENT";
  /** The option or argument at fault, e.g. `timeoutMs`, `JobId` or `policy.factor`. */
  declare readonly option: string | undefined;

  constructor(message: string, option?: string) {
    super(message);
    this.option = option;
  }
}

/** A client was constructed with options that cannot work. Thrown before any request is sent. */
export class ImpactConfigError extends InvalidArgumentError {
  override name = "ImpactConfigError";
  override readonly code: string = "IMPACTKIT_INVALID_CONFIG";
  /** The option at fault, e.g. `authToken` or `baseUrl`. */
  declare readonly option: string;

  constructor(option: string, message: string) {
    super(message, option);
  }
}
