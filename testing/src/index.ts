export { testCertificate, type TestCertificate, type TestCertificateOptions } from "./certificate.js";
export { machineEnv } from "./machine-env.js";
export { startProxy, type ProxyRequest, type TestProxy, type TestProxyOptions } from "./proxy.js";
export { rawServer, type RawServer } from "./raw-server.js";
export { MCP_TOOLS, SANDBOX_EXPORTS } from "./mcp-fixtures.js";
