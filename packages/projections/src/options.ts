/**
 * The allow-list check every report runs on the options it is given, once per call (never in a
 * fold): the options must be an object, every key one the report knows, and a text or yes/no
 * option of the right type. A misspelt key (`bucket` for `buckets`, `limit` where the report
 * says `top`) is refused, never ignored: ignoring it would answer a question nobody asked.
 * Values with a check of their own (a day, a `top`, buckets, a policy) are left to it, so each
 * keeps its specific code. Internal to the package (index.ts does not export it).
 *
 * @example
 * checkOptions(options, { asOf: 'checked', communityId: 'string', overdueOnly: 'boolean' }, 'the arrears ledger', ['options']);
 */
import { type DomainError, LevyError, closestName, describe, domainError } from '@levy/core';

/** How an option's value is checked here: its type (`string`, `boolean`), or `checked` when the report checks it itself. */
export type OptionKind = 'string' | 'boolean' | 'checked';

/** The options a report takes, by name. */
export type OptionSpec = Readonly<Record<string, OptionKind>>;


/**
 * Why `options` are not options of `spec`, or null. `what` names the report in the message (`'the
 * aging report'`); `path` names the object (`['options']`, `['range']`, `['query']`); a key is
 * named under `keyPath` (`[]`: the reports name their options bare, as `asOf`, `top`). A key whose
 * value is undefined counts as not given. Codes: `OPTIONS_INVALID` (not an object, or a text or
 * yes/no option of another type) and `OPTIONS_UNKNOWN_FIELD` (a key the report does not take).
 *
 * @example
 * optionsInvalid({ asOf, bucket: [] }, { asOf: 'checked', buckets: 'checked' }, 'the aging report', ['options']);
 * // { code: 'OPTIONS_UNKNOWN_FIELD', path: ['bucket'], message: 'the aging report takes no "bucket" in its options (did you mean buckets?); ...' }
 */
export const optionsInvalid = (options: unknown, spec: OptionSpec, what: string, path: readonly string[], keyPath: readonly string[] = []): DomainError | null => {
  const known = Object.keys(spec);
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    return domainError('OPTIONS_INVALID', `${what} takes its ${path.join('.')} as an object with ${known.join(', ')}, not ${Array.isArray(options) ? 'a list' : describe(options)}`, path, {
      input: describe(options),
    });
  }
  const given = options as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!Object.prototype.hasOwnProperty.call(spec, key)) {
      const meant = closestName(key, known);
      return domainError('OPTIONS_UNKNOWN_FIELD', `${what} takes no ${describe(key)} in its ${path.join('.')}${meant === undefined ? '' : ` (did you mean ${meant}?)`}; it takes ${known.join(', ')}`, [...keyPath, key], {
        input: key,
      });
    }
    const value = given[key];
    if (value === undefined) continue;
    const kind = spec[key];
    if (kind === 'string' && typeof value !== 'string') {
      return domainError('OPTIONS_INVALID', `${key} must be text, not ${describe(value)}`, [...keyPath, key], { input: describe(value) });
    }
    if (kind === 'boolean' && typeof value !== 'boolean') {
      return domainError('OPTIONS_INVALID', `${key} must be true or false, not ${describe(value)}`, [...keyPath, key], { input: describe(value) });
    }
  }
  return null;
};

/**
 * {@link optionsInvalid} for a report that returns its value directly: the refusal thrown as a
 * {@link LevyError}.
 *
 * @example
 * checkOptions(null, { asOf: 'checked' }, 'the aging report', ['options']); // throws LevyError OPTIONS_INVALID at options
 */
export const checkOptions = (options: unknown, spec: OptionSpec, what: string, path: readonly string[], keyPath: readonly string[] = []): void => {
  const bad = optionsInvalid(options, spec, what, path, keyPath);
  if (bad !== null) throw new LevyError(bad);
};
