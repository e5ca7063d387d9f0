import { rmSync } from "node:fs";
import { downloadTempFiles } from "@impactkit/jobs/files";

/**
 * The temporary files of the downloads in flight, for an exit that cannot wait. `downloadJob` of
 * @impactkit/jobs writes a result into a hidden temporary file beside the target (`downloadTempFiles`) and
 * removes it itself when the download fails or is aborted; a process forced to exit at once (a third
 * Ctrl-C) never gets there, so `removeSync` removes exactly those files first.
 */
export class PartialFiles {
  readonly #paths = new Set<string>();

  /** Notes a download of `jobId` to `to`; the function returned forgets it once the download has settled. */
  track(to: string, jobId: string): () => void {
    const paths = downloadTempFiles(to, jobId);
    for (const path of paths) this.#paths.add(path);
    return () => {
      for (const path of paths) this.#paths.delete(path);
    };
  }

  /** Removes, synchronously, the temporary file of every download in flight (best effort: the process is exiting). */
  removeSync(): void {
    for (const path of this.#paths) {
      try {
        rmSync(path, { force: true });
      } catch {
        // A file that cannot be removed stays, as after a crash; a rerun of the download removes it.
      }
    }
  }
}
