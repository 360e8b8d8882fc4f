// Reading a refusal in a test, shared by the packages' tests (imported by path, as properties.ts
// is): what a call threw or rejected with, as the code and path a test compares.
import { LevyError, isStoreError } from '@levy/core';

/** The code and path of the LevyError `f` throws; fails the test when it throws none, and rethrows anything else. */
export const thrown = (f: () => unknown): { code: string; path: readonly string[] } => {
  try {
    f();
  } catch (e) {
    if (e instanceof LevyError) return { code: e.error.code, path: e.error.path };
    throw e;
  }
  throw new Error('expected a LevyError');
};

/** The DomainError a store call refused with, whether it threw or rejected; what else it threw; or 'no error'. */
export const storeRefusal = async (f: () => unknown): Promise<unknown> => {
  try {
    await f();
  } catch (e) {
    return isStoreError(e) ? e.error : e;
  }
  return 'no error';
};

/** Every item of an async iterable, in order. */
export const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const out: T[] = [];
  for await (const x of items) out.push(x);
  return out;
};
