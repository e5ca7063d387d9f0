/** A client was constructed with options that cannot work. Thrown before any request is sent. */
export class ImpactConfigError extends Error {
  override name = "ImpactConfigError";
  /** The option at fault, e.g. `authToken` or `baseUrl`. */
  readonly option: string;

  constructor(option: string, message: string) {
    super(message);
    this.option = option;
  }
}
