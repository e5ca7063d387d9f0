import type { FileHandle } from "node:fs/promises";

/**
 * Bytes into a file in large positional writes, with the network and the disk working at once: chunks
 * collect into a batch; a full batch is written (`writev` at its offset) while the next ones fill, with
 * up to `depth` writes in flight — `depth + 1` batches of memory at most, whatever the file's size, and
 * backpressure when the disk is slower than the network. (One write in flight left the disk idle while
 * the next batch filled: 0.5× the speed of four, measured on the download benchmark's loopback.)
 */
export class FileSink {
  readonly #file: FileHandle;
  readonly #batchBytes: number;
  readonly #depth: number;
  #batch: Uint8Array[] = [];
  #size = 0;
  /** Where the next batch goes. */
  #position = 0;
  readonly #inFlight: Array<Promise<void>> = [];

  constructor(file: FileHandle, batchBytes: number, depth: number) {
    this.#file = file;
    this.#batchBytes = batchBytes;
    this.#depth = depth;
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
    const write = writeAll(this.#file, this.#batch, this.#size, this.#position);
    // A failed write surfaces where it is awaited (the next full batch, restart, finish); never unhandled.
    write.catch(() => undefined);
    this.#inFlight.push(write);
    [this.#batch, this.#position, this.#size] = [[], this.#position + this.#size, 0];
  }

  async #settle(): Promise<void> {
    const writes = this.#inFlight.splice(0);
    await Promise.all(writes);
  }
}

/** Writes every byte of `chunks` at `position` (writev may write fewer than asked; the rest follows). */
async function writeAll(file: FileHandle, chunks: Uint8Array[], size: number, position: number): Promise<void> {
  const { bytesWritten } = await file.writev(chunks, position);
  if (bytesWritten < size) await file.write(Buffer.concat(chunks, size).subarray(bytesWritten), 0, size - bytesWritten, position + bytesWritten);
}
