import { writevSync, writeSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";

/**
 * A batch written synchronously that takes longer than this was held by the disk, not copied into the page
 * cache; `SLOW_WRITES_IN_A_ROW` of them mean the disk is the limit (one alone may be the process losing its
 * core for a moment on a busy machine).
 */
const SLOW_WRITE_MS = 4;
const SLOW_WRITES_IN_A_ROW = 16;

/**
 * Bytes into a file in large positional writes, as fast as the disk takes them, without holding the
 * event loop when it is slow. Chunks collect into a batch; a full batch is written synchronously while
 * writes land in the page cache in well under a millisecond — a thread-pool round trip per batch costs
 * more than the copy, and on a small machine the pool's thread competes with the network for the cores
 * (0.6× the speed on the download benchmark's two cores). Once writes keep taking longer than
 * `SLOW_WRITE_MS` (a slow disk, writeback throttling), the rest go to the thread pool with up to `depth`
 * in flight, so that the disk never holds the event loop — `depth + 1` batches of memory at most, and
 * backpressure when the disk is slower than the network.
 */
export class FileSink {
  readonly #file: FileHandle;
  readonly #batchBytes: number;
  readonly #depth: number;
  readonly #now: () => number;
  #batch: Uint8Array[] = [];
  #size = 0;
  /** Where the next batch goes. */
  #position = 0;
  #synchronous = true;
  #slowInARow = 0;
  readonly #inFlight: Array<Promise<void>> = [];

  constructor(file: FileHandle, batchBytes: number, depth: number, now: () => number = () => performance.now()) {
    this.#file = file;
    this.#batchBytes = batchBytes;
    this.#depth = depth;
    this.#now = now;
  }

  /** Whether writes still go straight to the file (false once they kept being slow). */
  get synchronous(): boolean {
    return this.#synchronous;
  }

  /** Takes a chunk; when a batch is full and `depth` writes are in flight, returns a promise to await before the next chunk. */
  write(chunk: Uint8Array): Promise<void> | undefined {
    this.#batch.push(chunk);
    this.#size += chunk.length;
    if (this.#size < this.#batchBytes) return undefined;
    this.#flush();
    return this.#inFlight.length > this.#depth ? this.#inFlight.shift() : undefined;
  }

  /** Drops everything written, for a transfer that starts over from byte 0. */
  async restart(): Promise<void> {
    await this.#settle();
    [this.#batch, this.#size, this.#position] = [[], 0, 0];
    await this.#file.truncate(0);
  }

  /** Writes what is left and waits for every write; resolves to the file's size. */
  async finish(): Promise<number> {
    this.#flush();
    await this.#settle();
    return this.#position;
  }

  #flush(): void {
    if (this.#size === 0) return;
    const [chunks, size, position] = [this.#batch, this.#size, this.#position];
    [this.#batch, this.#position, this.#size] = [[], position + size, 0];
    if (this.#synchronous) {
      const started = this.#now();
      writeAllSync(this.#file.fd, chunks, size, position);
      this.#slowInARow = this.#now() - started > SLOW_WRITE_MS ? this.#slowInARow + 1 : 0;
      if (this.#slowInARow >= SLOW_WRITES_IN_A_ROW) this.#synchronous = false;
      return;
    }
    const write = writeAll(this.#file, chunks, size, position);
    // A failed write surfaces where it is awaited (the next full batch, restart, finish); never unhandled.
    write.catch(() => undefined);
    this.#inFlight.push(write);
  }

  async #settle(): Promise<void> {
    await Promise.all(this.#inFlight.splice(0));
  }
}

/** Writes every byte of `chunks` at `position` (writev may write fewer than asked; the rest follows). */
function writeAllSync(fd: number, chunks: Uint8Array[], size: number, position: number): void {
  const written = writevSync(fd, chunks, position);
  if (written < size) {
    const rest = Buffer.concat(chunks, size);
    for (let done = written; done < size; ) done += writeSync(fd, rest, done, size - done, position + done);
  }
}

/** The same through the thread pool. */
async function writeAll(file: FileHandle, chunks: Uint8Array[], size: number, position: number): Promise<void> {
  const { bytesWritten } = await file.writev(chunks, position);
  if (bytesWritten < size) await file.write(Buffer.concat(chunks, size).subarray(bytesWritten), 0, size - bytesWritten, position + bytesWritten);
}
