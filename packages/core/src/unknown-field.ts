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

const editDistance = (a: string, b: string): number => {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
};

/**
 * The name among `names` that a misspelt `key` most likely meant, for a refusal's "did you mean":
 * the closest in spelling (case aside) when it is at most two edits away, or a third of the key's
 * length; else, for a key of three letters or more, a name containing it or contained in it; else
 * undefined. Every package's unknown-key refusal asks this one, so they suggest alike.
 *
 * @example
 * closestName('bucket', ['asOf', 'buckets', 'top']); // 'buckets'
 * closestName('yr', ['seed', 'year']);                // 'year'
 * closestName('colour', ['asOf', 'top']);             // undefined
 */
export const closestName = (key: string, names: readonly string[]): string | undefined => {
  const k = key.toLowerCase().slice(0, 64);
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const name of names) {
    const d = editDistance(k, name.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [name, d];
  }
  if (best !== undefined && bestDistance <= Math.max(2, Math.floor(k.length / 3))) return best;
  if (k.length >= 3) {
    for (const name of names) {
      const n = name.toLowerCase();
      if (n.includes(k) || k.includes(n)) return name;
    }
  }
  return undefined;
};
