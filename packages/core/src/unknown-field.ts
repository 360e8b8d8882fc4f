/**
 * Refusing what a function does not read (internal to @levy/core, not exported from its index). A
 * misspelt optional field (`alreadyAsessed`, `roundng`, `timezone`) would otherwise be ignored
 * without a word and its default used; each entry that takes an input object asks this first and
 * refuses the key it returns with its own code and path, as `validatePenaltyPolicy`,
 * `validateDueRule`, `parseWorkingDayCalendar` and `createLevy` do.
 */

/**
 * The first own enumerable key of `input` that is not in `fields`, or undefined when it has none.
 *
 * @example
 * unknownField({ areaM2: '89.50', roundng: 'down' }, new Set(['areaM2', 'rounding'])); // 'roundng'
 */
export const unknownField = (input: object, fields: ReadonlySet<string>): string | undefined => {
  for (const key of Object.keys(input)) if (!fields.has(key)) return key;
  return undefined;
};

/**
 * Whether a value can be read as an input object: an object that is not null and not an array.
 *
 * @example
 * isInputObject({ areaM2: '89.50' }); // true
 * isInputObject(null);                // false
 */
export const isInputObject = (value: unknown): value is Readonly<Record<string, unknown>> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * How an input of the wrong kind is named in a message: `null`, `nothing`, `an array`, `the
 * string "x"`, `the number 3`, `an object`, `a function`.
 *
 * @example
 * describeInput(null); // 'null'
 * describeInput([]);   // 'an array'
 */
export const describeInput = (value: unknown): string => {
  if (value === null) return 'null';
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${String(value)}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
};
