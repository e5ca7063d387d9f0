export { EXIT, exitCodeOf, type ExitCode } from "./exit-codes.js";
export { run, type RunIO } from "./program.js";
export { Interruption, interruptedBy, type StopSignal } from "./interruption.js";
export { PartialFiles } from "./partial-files.js";
