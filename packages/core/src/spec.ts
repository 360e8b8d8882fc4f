/**
 * Given / when / then specifications for deciders (STYLE.md, Emmett's `DeciderSpecification`):
 * given past events, when a command is decided, then exactly these events follow, or the
 * command is refused with this code. It needs no test framework: a failed expectation throws a
 * {@link SpecificationError} (an `AssertionError` with `expected` and `actual`, which vitest and
 * node:test print as a diff), and a passing one returns what was decided.
 *
 * @example
 * import { DeciderSpecification, communityDecider } from '@levy/core';
 * DeciderSpecification.for(communityDecider, context)
 *   .given([communityRegistered])
 *   .when(registerUnit)
 *   .then([unitRegistered]);
 * DeciderSpecification.for(communityDecider, context)
 *   .given([])
 *   .when(registerUnit)
 *   .thenFails('COMMUNITY_NOT_REGISTERED');
 */
import * as E from 'fp-ts/lib/Either.js';
import { canonicalJson } from './canonical-json.js';
import type { Decider } from './decider.js';
import type { DomainError } from './errors.js';

/** A failed specification: what was expected and what the decider did. */
export class SpecificationError extends Error {
  readonly expected: unknown;
  readonly actual: unknown;
  constructor(message: string, expected: unknown, actual: unknown) {
    super(message);
    // the name test runners recognise to print expected/actual as a diff
    this.name = 'AssertionError';
    this.expected = expected;
    this.actual = actual;
  }
}

/** The step after `when`: state what should follow. */
export interface ThenStep<Ev> {
  /**
   * Expects exactly these events (compared as canonical JSON), or runs a check on them. Returns the events.
   */
  then(expected: readonly Ev[] | ((events: readonly Ev[]) => void)): readonly Ev[];
  /** Expects no events: the command was already decided (a retry) or changes nothing. */
  thenNothing(): void;
  /** Expects a refusal with this code (and, when given, this path). Returns the error. */
  thenFails(code: string, path?: readonly string[]): DomainError;
}

/** The step after `given`. */
export interface WhenStep<C, Ev, X> {
  /** Decides a command; `context` overrides the specification's context for this command. */
  when(command: C, context?: X): ThenStep<Ev>;
}

/** The first step: what already happened. */
export interface GivenStep<C, Ev, X> extends WhenStep<C, Ev, X> {
  given(events: readonly Ev[]): WhenStep<C, Ev, X>;
}

const plain = (value: unknown): unknown => JSON.parse(canonicalJson(value)) as unknown;

/** Entry point of decider specifications. */
export const DeciderSpecification = {
  /**
   * Starts a specification of a decider with a default context.
   *
   * @example
   * const spec = DeciderSpecification.for(communityDecider, { now: '2025-03-01T00:00:00Z', newId: (p) => `${p}-1` });
   * spec.given(history).when(command).thenFails('PERIOD_CLOSED');
   */
  for<C, Ev, S, X>(decider: Decider<C, Ev, S, X>, context: X): GivenStep<C, Ev, X> {
    const whenFrom = (history: readonly Ev[]): WhenStep<C, Ev, X> => ({
      when(command: C, override?: X): ThenStep<Ev> {
        const state = history.reduce((s, e) => decider.evolve(s, e), decider.initialState());
        const result = decider.decide(command, state, override ?? context);
        const events = (): readonly Ev[] => {
          if (E.isLeft(result)) throw new SpecificationError(`expected events, but the command was refused: ${result.left.code}: ${result.left.message}`, 'events', result.left);
          return result.right;
        };
        return {
          then(expected) {
            const actual = events();
            if (typeof expected === 'function') {
              expected(actual);
              return actual;
            }
            if (canonicalJson(actual) !== canonicalJson(expected)) {
              throw new SpecificationError(`the decided events differ from the expected ones`, plain(expected), plain(actual));
            }
            return actual;
          },
          thenNothing() {
            const actual = events();
            if (actual.length !== 0) throw new SpecificationError(`expected no events, got ${actual.length}`, [], plain(actual));
          },
          thenFails(code, path) {
            if (E.isRight(result)) throw new SpecificationError(`expected a refusal ${code}, but ${result.right.length} event(s) were decided`, code, plain(result.right));
            const error = result.left;
            if (error.code !== code) throw new SpecificationError(`expected refusal ${code}, got ${error.code}: ${error.message}`, code, error.code);
            if (path !== undefined && error.path.join('.') !== path.join('.')) {
              throw new SpecificationError(`refusal ${code} names path ${error.path.join('.')}, expected ${path.join('.')}`, [...path], [...error.path]);
            }
            return error;
          },
        };
      },
    });
    return { given: (events) => whenFrom(events), when: (command, override) => whenFrom([]).when(command, override) };
  },
};
