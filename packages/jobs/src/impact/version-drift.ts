import type { ApiSpec } from "@impactkit/core";
import type { Logger } from "../base/logger.js";

/**
 * Says once per instance, through the logger, when a Job from the server has fields the package's spec
 * does not know: the server may be speaking another API version than the package's `IR-Version` (an account
 * default that drifted, a proxy that drops the header — https://integrations.impact.com/impact-brand/reference/versioning),
 * which the types then no longer describe.
 */
export class VersionDrift {
  readonly #spec: ApiSpec;
  readonly #known: ReadonlySet<string>;
  readonly #logger: Logger | undefined;
  #told = false;

  constructor(spec: ApiSpec, logger: Logger | undefined) {
    this.#spec = spec;
    this.#known = new Set(spec.traits.jobFields);
    this.#logger = logger;
  }

  /** Looks at one Job body as received (`what` names the request); returns it unchanged. */
  check<T>(what: string, body: T): T {
    if (this.#told || !this.#logger || body === null || typeof body !== "object" || Array.isArray(body)) return body;
    const unknown = Object.keys(body).filter((key) => !this.#known.has(key));
    if (unknown.length > 0) {
      this.#told = true;
      const { title, apiVersion } = this.#spec;
      this.#logger.warn(
        `${what} answered a Job with fields the ${title} spec does not know (${unknown.join(", ")}): the server may speak another API version than IR-Version ${apiVersion}, which these types describe`,
        { unknownFields: unknown, apiVersion },
      );
    }
    return body;
  }
}
