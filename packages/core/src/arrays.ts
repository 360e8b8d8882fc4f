/**
 * Array helpers for persistent state (internal to @levy/core, not exported from its index).
 */

/**
 * `list` with `item` after it, in a new array of exactly that length; `list` is unchanged.
 * `[...list, item]` (and `slice` + `push`) leave the new array room for 16 more entries, as V8
 * grows an array it pushes to, and an account keeps these arrays for months: a table's records, a
 * charge's movements and penalty pieces, the open positions, the reminders.
 *
 * @example
 * appended([1, 2], 3); // [1, 2, 3]
 */
export const appended = <T>(list: readonly T[], item: T): T[] => {
  const n = list.length;
  const out = new Array<T>(n + 1);
  for (let i = 0; i < n; i++) out[i] = list[i]!;
  out[n] = item;
  return out;
};
