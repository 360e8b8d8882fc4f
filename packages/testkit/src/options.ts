/**
 * The checks the testkit's own entry points run on the options they are given: an object, only
 * keys the function takes, whole numbers in range. A misspelt key (`unit` for `units`,
 * `skipIncremantal`) is refused, never ignored: ignoring it would generate, simulate or check
 * something other than what the caller asked for. Internal to the package (index.ts does not
 * export it); the refusals are `LevyError`s with core's codes.
 *
 * @example
 * const o = optionsOf(options, ['units', 'steps'], 'accountLogArbitrary');
 */
import { LevyError, closestName, describe, domainError } from '@levy/core';

/**
 * `options` as a record when it is an object holding only `known` keys (undefined: no options).
 * Throws `OPTIONS_INVALID` at `at` (`['options']` when empty) for anything else that is not an
 * object, and `OPTIONS_UNKNOWN_FIELD` at `[...at, key]` for a key `what` does not take.
 *
 * @example
 * optionsOf({ unit: 5 }, ['units'], 'simulateCommunityYear'); // throws OPTIONS_UNKNOWN_FIELD at ['unit']
 */
export const optionsOf = (options: unknown, known: readonly string[], what: string, at: readonly string[] = []): Readonly<Record<string, unknown>> => {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new LevyError(domainError('OPTIONS_INVALID', `${what} takes its options as an object with ${known.join(', ')}, not ${describe(options)}`, at.length === 0 ? ['options'] : at, { input: describe(options) }));
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const meant = closestName(key, known);
      throw new LevyError(
        domainError('OPTIONS_UNKNOWN_FIELD', `${what} takes no ${JSON.stringify(key)}${meant === undefined ? '' : ` (did you mean ${meant}?)`}; it takes ${known.join(', ')}`, [...at, key], { input: key }),
      );
    }
  }
  return options as Readonly<Record<string, unknown>>;
};


/**
 * Throws `OPTIONS_INVALID` at `path` saying what `value` must be.
 *
 * @example
 * invalidOption(['units'], -1, 'a whole number from 1 to 1,000'); // throws
 */
export const invalidOption = (path: readonly string[], value: unknown, must: string): never => {
  throw new LevyError(domainError('OPTIONS_INVALID', `${path.join('.')} must be ${must}, not ${describe(value)}`, path, { input: describe(value) }));
};

/**
 * `value` when it is a whole number from `min` to `max`; otherwise `OPTIONS_INVALID` at `path`.
 *
 * @example
 * wholeNumber(3, ['units'], 1, 1000); // 3
 */
export const wholeNumber = (value: unknown, path: readonly string[], min: number, max: number): number =>
  typeof value === 'number' && Number.isSafeInteger(value) && value >= min && value <= max ? value : invalidOption(path, value, `a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}`);

/**
 * A count option given as a number or as `{ min, max }`, each a whole number from `min` to `max`
 * (and min ≤ max); `OPTIONS_INVALID` at the field otherwise.
 *
 * @example
 * countRange({ min: 1, max: 5 }, ['units'], 1, 1000); // { min: 1, max: 5 }
 */
export const countRange = (value: unknown, path: readonly string[], min: number, max: number): number | { readonly min: number; readonly max: number } => {
  if (typeof value === 'number') return wholeNumber(value, path, min, max);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return invalidOption(path, value, `a whole number from ${min} to ${max}, or { min, max }`);
  const r = optionsOf(value, ['min', 'max'], path.join('.'), path);
  const lo = wholeNumber(r.min, [...path, 'min'], min, max);
  const hi = wholeNumber(r.max, [...path, 'max'], min, max);
  if (lo > hi) invalidOption([...path, 'min'], lo, `at most max (${hi})`);
  return { min: lo, max: hi };
};
