/**
 * @packageDocumentation
 * `@impactkit/mcp`: impact.com's Jobs API for AI agents, as a Model Context Protocol server
 * (https://modelcontextprotocol.io/specification) on `@impactkit/jobs`: a few tools that discover reports,
 * export, wait, download, preview and summarise results, within the account's hourly budget and daily quotas.
 */
export type { AnyJobs, ImpactMcpOptions } from "./options.js";
export { createImpactMcpServer } from "./server.js";
export { bearerTokenProblem, serveHttp, type HttpServing } from "./http.js";
export { stdioTransport } from "./stdio.js";
