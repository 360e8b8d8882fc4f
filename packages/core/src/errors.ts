/**
 * Errors as values. Every refusal in Levy is a {@link DomainError}: a stable `code`, a message a
 * finance clerk can act on, and the path of the offending field. Pure functions return them in
 * an fp-ts `Either`; the few programmer errors (mixing currencies, an invalid literal) throw a
 * {@link LevyError} that carries one.
 *
 * @example
 * import { domainError } from '@levy/core';
 * const e = domainError('AMOUNT_INVALID', 'amount must be a decimal string like "12.30"', ['amount']);
 * e.code; // 'AMOUNT_INVALID'
 */

/** A refusal: stable code, clerk-readable message, and the path of the field at fault. */
export interface DomainError {
  readonly code: string;
  readonly message: string;
  /** Path of the offending field, outermost first, e.g. `['data', 'amount']`; empty when the input as a whole is at fault. */
  readonly path: readonly string[];
  /** Extra facts for machines (the input seen, a limit, an id). */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Builds a {@link DomainError}.
 *
 * @example
 * domainError('PENALTY_CAP_NEGATIVE', 'cap must not be below zero', ['policy', 'cap']);
 */
export const domainError = (
  code: string,
  message: string,
  path: readonly string[] = [],
  details?: Readonly<Record<string, unknown>>,
): DomainError => (details === undefined ? { code, message, path } : { code, message, path, details });

/**
 * An exception carrying a {@link DomainError}, thrown only for programmer errors (an invalid
 * literal, currencies mixed in one sum) and by the throwing conveniences such as `Money.of`.
 *
 * @example
 * try { Money.of('1e3'); } catch (e) { if (e instanceof LevyError) e.error.code; } // 'AMOUNT_INVALID'
 */
export class LevyError extends Error {
  readonly error: DomainError;
  constructor(error: DomainError) {
    super(`${error.code}${error.path.length > 0 ? ` at ${error.path.join('.')}` : ''}: ${error.message}`);
    this.name = 'LevyError';
    this.error = error;
  }
  /** The stable code of the carried error. */
  get code(): string {
    return this.error.code;
  }
}
