/** What a flavor package says about the API its types were generated from. */
export interface ApiSpec {
  /** The API family: `partner`, `agency` or `brand`. */
  readonly api: string;
  /** The impact.com API version the types describe, sent as `IR-Version`. */
  readonly apiVersion: string;
  readonly title: string;
  /** sha256 of the merged OpenAPI document the types were generated from. */
  readonly sha256: string;
  /** The account's base path, e.g. `/Mediapartners/{AccountSID}`. */
  readonly basePath: string;
}
