#!/usr/bin/env node
// The command as npm and pnpm link it: a file that is in the package before `dist/` is built, so that installing
// the workspace links it without a warning.
import "../dist/bin.js";
