export { EXIT, exitCodeOf, type ExitCode } from "./exit-codes.js";
export { run, type RunIO } from "./program.js";
