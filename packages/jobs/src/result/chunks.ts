import type { JobsContext } from "../impact/context.js";
import { pull, type Pulled } from "../base/pull.js";
import { validateJobId } from "../base/job-id.js";
import type { ResultOptions } from "./options.js";
import { transferResult } from "./transfer.js";

/**
 * `transferResult` as an async iterator, one chunk at a time: the transfer waits for each chunk to be
 * taken. Leaving the loop early (`break`, an exception in its body) stops the transfer; so does `stop()`,
 * for a reader that leaves while a `next()` is in flight on a stalled body.
 */
export function resultChunks(context: JobsContext, id: string, options: ResultOptions = {}): Pulled<Uint8Array> {
  const jobId = validateJobId(id);
  return pull<Uint8Array>(
    // The chunk is lent, and the reader may keep what it is given.
    (push, signal) => transferResult(context, jobId, { ...options, signal }, { write: (chunk) => push(new Uint8Array(chunk)) }),
    { signal: options.signal, reason: "the reader of the result stopped" },
  );
}

/** `resultChunks` as a web `ReadableStream`; cancelling it stops the transfer. */
export function resultStream(context: JobsContext, id: string, options: ResultOptions = {}): ReadableStream<Uint8Array> {
  const chunks = resultChunks(context, id, options);
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(error);
      }
    },
    async cancel() {
      // A pull may be waiting on a stalled body: `return()` alone would wait for it.
      chunks.stop();
      await chunks.return(undefined);
    },
  });
}
