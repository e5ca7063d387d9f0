#!/usr/bin/env node
import { PartialFiles } from "./partial-files.js";
import { run } from "./program.js";
import { handleShutdown } from "./shutdown.js";

const controller = new AbortController();
const partials = new PartialFiles();
const exitCode = handleShutdown(process, controller, partials);
const code = await run(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal, partials });
process.exitCode = exitCode(code);
