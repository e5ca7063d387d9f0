/** What a call throws; fails the test when it returns instead. */
export function thrown(run: () => unknown): Error {
  let result: unknown;
  try {
    result = run();
  } catch (error) {
    if (error instanceof Error) return error;
    throw new Error(`threw a non-Error: ${String(error)}`);
  }
  throw new Error(`did not throw, returned ${JSON.stringify(result)}`);
}

/** The error a promise rejects with; fails the test when it resolves instead. */
export function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => Promise.reject(new Error(`expected a rejection, got ${JSON.stringify(value)}`)),
    (error: unknown) => error,
  );
}
