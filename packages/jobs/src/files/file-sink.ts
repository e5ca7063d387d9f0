import { writeSync } from "node:fs";
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
 * event loop when it is slow. Chunks are lent (see `ResultSink`): one of at least a quarter of a batch
 * is written as it is; smaller ones are copied into a batch buffer, written when full. Writes are
 * synchronous while they land in the page cache in well under a millisecond — a thread-pool round trip
 * per batch costs more than the copy, and on a small machine the pool's thread competes with the network
 * for the cores. Once writes keep taking longer than `SLOW_WRITE_MS` (a slow disk, writeback
 * throttling), every chunk is copied into a batch and batches go to the thread pool with up to `depth`
 * in flight, so that the disk never holds the event loop: `depth + 2` batch buffers at most, reused, and
 * backpressure when the disk is slower than the network.
 */
export class FileSink {
  readonly #file: FileHandle;
  readonly #batchBytes: number;
  readonly #depth: number;
  readonly #now: () => number;
  #batch: Buffer | undefined;
  #size = 0;
  /** Where the next write goes. */
  #position = 0;
  #synchronous = true;
  #slowInARow = 0;
  readonly #inFlight: Array<Promise<void>> = [];
  /** Batch buffers whose writes are done, for the next batches. */
  readonly #spare: Buffer[] = [];

  /** `start` is where the first write goes: the size of a partial file a download resumes. */
  constructor(file: FileHandle, batchBytes: number, depth: number, now: () => number = () => performance.now(), start = 0) {
    this.#file = file;
    this.#position = start;
    this.#batchBytes = batchBytes;
    this.#depth = depth;
    this.#now = now;
  }

  /** Whether writes still go straight to the file (false once they kept being slow). */
  get synchronous(): boolean {
    return this.#synchronous;
  }

  /**
   * Takes a lent chunk: written or copied before this returns. When `depth` writes are in flight,
   * returns a promise to await before the next chunk.
   */
  write(chunk: Uint8Array): Promise<void> | undefined {
    if (this.#synchronous && chunk.length * 4 >= this.#batchBytes) {
      this.#flush();
      this.#writeSync(chunk);
      return undefined;
    }
    for (let offset = 0; offset < chunk.length; ) {
      this.#batch ??= this.#spare.pop() ?? Buffer.allocUnsafe(this.#batchBytes);
      const taken = Math.min(chunk.length - offset, this.#batchBytes - this.#size);
      this.#batch.set(chunk.subarray(offset, offset + taken), this.#size);
      this.#size += taken;
      offset += taken;
      if (this.#size === this.#batchBytes) this.#flush();
    }
    return this.#inFlight.length > this.#depth ? this.#drain() : undefined;
  }

  /** Drops everything written, for a transfer that starts over from byte 0. */
  async restart(): Promise<void> {
    await this.#settle();
    [this.#size, this.#position] = [0, 0];
    await this.#file.truncate(0);
  }

  /** Writes what is left and waits for every write; resolves to the file's size. More writes may follow (a download's checkpoint). */
  async finish(): Promise<number> {
    this.#flush();
    await this.#settle();
    return this.#position;
  }

  #flush(): void {
    if (this.#size === 0) return;
    const [batch, size] = [this.#batch!, this.#size];
    this.#size = 0;
    if (this.#synchronous) {
      this.#writeSync(batch.subarray(0, size));
      return;
    }
    this.#batch = undefined;
    const position = this.#position;
    this.#position += size;
    const write = writeAll(this.#file, batch, size, position).then(() => void this.#spare.push(batch));
    // A failed write surfaces where it is awaited (the next full batch, restart, finish); never unhandled.
    write.catch(() => undefined);
    this.#inFlight.push(write);
  }

  #writeSync(bytes: Uint8Array): void {
    const started = this.#now();
    for (let done = 0; done < bytes.length; ) done += writeSync(this.#file.fd, bytes, done, bytes.length - done, this.#position + done);
    this.#position += bytes.length;
    this.#slowInARow = this.#now() - started > SLOW_WRITE_MS ? this.#slowInARow + 1 : 0;
    if (this.#slowInARow >= SLOW_WRITES_IN_A_ROW) this.#synchronous = false;
  }

  /** Waits until no more than `depth` writes are in flight. */
  async #drain(): Promise<void> {
    while (this.#inFlight.length > this.#depth) await this.#inFlight.shift();
  }

  async #settle(): Promise<void> {
    await Promise.all(this.#inFlight.splice(0));
  }
}

/** Writes every byte of `batch`'s first `size` at `position` through the thread pool (a write may take fewer; the rest follows). */
async function writeAll(file: FileHandle, batch: Buffer, size: number, position: number): Promise<void> {
  for (let done = 0; done < size; ) done += (await file.write(batch, done, size - done, position + done)).bytesWritten;
}
