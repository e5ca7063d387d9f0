import { type Interruption, interruptedBy, outputFailed, STOP_SIGNALS } from "./interruption.js";
import type { PartialFiles } from "./partial-files.js";

/**
 * Stops the work when the process is told to from outside: SIGINT, SIGTERM or SIGHUP, whose default
 * action is to end the process on the spot (signal(7)), or a stdout or stderr that fails (a reader that
 * closed its pipe). Instead of that default, the first aborts `controller` with an
 * `Interruption`; the commands then clean up (a download removes its temporary file) and return. A
 * signal while that runs only says so on stderr; the next one removes the temporary files synchronously
 * and exits at once. Returns the exit code to end with: the first interruption's, else the command's.
 */
export function handleShutdown(target: NodeJS.Process, controller: AbortController, partials: PartialFiles): (commandCode: number) => number {
  let first: Interruption | undefined;
  let signalsSince = 0;
  const stop = (interruption: Interruption) => {
    if (first) return;
    first = interruption;
    target.exitCode = interruption.exitCode;
    controller.abort(interruption);
  };
  for (const signal of STOP_SIGNALS) {
    target.on(signal, () => {
      if (!first) return stop(interruptedBy(signal));
      signalsSince += 1;
      if (signalsSince === 1) {
        target.stderr.write("impactkit: cleaning up… (once more to quit at once)\n");
        return;
      }
      partials.removeSync();
      // A progress bar hides the cursor until it stops; show it again (DECTCEM, https://invisible-island.net/xterm/ctlseqs/ctlseqs.html).
      if ((target.stderr as NodeJS.WriteStream).isTTY) target.stderr.write("\u001b[?25h");
      target.exit(first.exitCode);
    });
  }
  // Without a listener, a failed write to stdout or stderr would be thrown as an uncaught exception, stack trace and all.
  target.stdout.on("error", (error: NodeJS.ErrnoException) => stop(outputFailed("stdout", error)));
  target.stderr.on("error", (error: NodeJS.ErrnoException) => stop(outputFailed("stderr", error)));
  return (commandCode) => first?.exitCode ?? commandCode;
}
