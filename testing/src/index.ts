export { testCertificate, type TestCertificate } from "./certificate.js";
export { machineEnv } from "./machine-env.js";
