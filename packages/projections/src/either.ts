/**
 * The projections' results are fp-ts `Either`s by shape: `{ _tag: 'Left', left }` or
 * `{ _tag: 'Right', right }`, exactly fp-ts's `Left`/`Right`, so callers pass them to
 * `fp-ts/lib/Either.js` functions as they are. This package depends on @levy/core alone, so the
 * few constructors it needs live here.
 *
 * @example
 * import * as E from 'fp-ts/lib/Either.js';
 * const rates = collectionRates(book, { period: '2025-Q1', asOf });
 * if (E.isRight(rates)) console.log(rates.right.total.amountRate.value);
 */

/** A failure. */
export interface Left<E> {
  readonly _tag: 'Left';
  readonly left: E;
}
/** A success. */
export interface Right<A> {
  readonly _tag: 'Right';
  readonly right: A;
}
/** fp-ts's Either, by shape. */
export type Either<E, A> = Left<E> | Right<A>;

/** @example left(domainError('X', 'why', [])) */
export const left = <E, A = never>(e: E): Either<E, A> => ({ _tag: 'Left', left: e });
/** @example right(42) */
export const right = <A, E = never>(a: A): Either<E, A> => ({ _tag: 'Right', right: a });
/** @example if (isLeft(r)) console.log(r.left.message) */
export const isLeft = <E, A>(ma: Either<E, A>): ma is Left<E> => ma._tag === 'Left';
/** @example if (isRight(r)) console.log(r.right) */
export const isRight = <E, A>(ma: Either<E, A>): ma is Right<A> => ma._tag === 'Right';
