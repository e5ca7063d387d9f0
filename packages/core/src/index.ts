export type { ApiSpec, FlavorTraits } from "./api-spec.js";
export { base64ToUtf8, utf8ToBase64 } from "./base64.js";
export { basicAuthorization } from "./basic-auth.js";
export { DEFAULT_BASE_URL, resolveClientOptions, validateBaseUrl, type ClientOptions, type ResolvedOptions } from "./client-options.js";
export { ImpactConfigError } from "./config-error.js";
export { createImpactClient, type ImpactClient } from "./create-client.js";
