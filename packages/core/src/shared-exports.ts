export type { ApiSpec, FlavorTraits } from "./api-spec.js";
export { base64ToUtf8, utf8ToBase64 } from "./base64.js";
export { basicAuthorization } from "./basic-auth.js";
export { DEFAULT_BASE_URL, resolveClientOptions, validateBaseUrl, type ClientOptions, type ResolvedOptions } from "./client-options.js";
export { ImpactConfigError, ImpactkitError, InvalidArgumentError } from "./errors.js";
export { AnswerTooLargeError, MAX_API_ANSWER_BYTES, type ImpactClient } from "./create-client.js";
export { DEFAULT_CONNECT_TIMEOUT_MS, proxyOrigin, type Transport, type TransportOptions } from "./http/transport.js";
export { describeNetworkFailure, type NetworkFailure, type NetworkFailureKind } from "./http/network-failure.js";
