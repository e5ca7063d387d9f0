/**
 * `@impactkit/jobs/files` (Node.js, Deno, Bun): the temporary files downloads write, for tools that write
 * other files made from a result the same way (the CLI's Parquet files) or clean up after a process that
 * was killed. Never a partial file at the target: bytes go to a hidden file beside it, then into place.
 *
 * @packageDocumentation
 */
export { downloadTempFiles, downloadTempPath, publishFile } from "./files/download.js";
export { type LeftDownload, leftDownloads } from "./files/left-downloads.js";
