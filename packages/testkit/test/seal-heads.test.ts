// A PeriodClosed seals the head (revision, hash) of every account stream of its community. An
// event the close sealed that is later removed from the end of its stream leaves every remaining
// link intact, so only the seal can tell: verifyChain, the account book (SEALED_HEAD_MISSING,
// SEALED_HEAD_MISMATCH), checkInvariants and the audit trail all say so.
import { describe, expect, it } from 'vitest';
import { type EventOf, type StoredEvent, openMemoryEventStore, sealEvent, verifyChain } from '@levy/core';
import { type LoggedEvent, auditTrail, levyProjection, rebuild } from '@levy/projections';
import { checkInvariants, readLog, simulateCommunityYear } from '../src/index.js';

const simulated = async (): Promise<StoredEvent[]> => {
  const store = openMemoryEventStore();
  await simulateCommunityYear({ seed: 7, units: 12, store });
  return readLog(store);
};

const closesOf = (log: readonly StoredEvent[]) => log.filter((e) => e.type === 'PeriodClosed') as unknown as (StoredEvent & EventOf<'PeriodClosed'>)[];

// an account stream whose last event in the log is the head the last close sealed
const sealedAtItsEnd = (log: readonly StoredEvent[]) => {
  const closes = closesOf(log);
  const close = closes[closes.length - 1]!;
  for (const h of close.data.heads) {
    const stream = log.filter((e) => e.streamId === h.streamId);
    const last = stream[stream.length - 1]!;
    if (last.revision.toString() === h.revision) return { close, last };
  }
  throw new Error('no stream ends at its sealed head');
};

// the stream's events from `at` on sealed again, the one at `at` edited: every link holds
const resealed = (log: readonly StoredEvent[], at: StoredEvent, edit: (data: Record<string, unknown>) => Record<string, unknown>): StoredEvent[] => {
  let prev: string | null = null;
  return log.map((e) => {
    if (e.streamId !== at.streamId || e.revision < at.revision) return e;
    if (e.revision === at.revision) prev = e.meta.prevHash ?? null;
    const { hash: _h, prevHash: _p, ...meta } = e.meta;
    const sealed = sealEvent(e.streamId, e.revision, prev, { type: e.type, data: e.revision === at.revision ? (edit(e.data as Record<string, unknown>) as never) : e.data, meta });
    prev = sealed.meta.hash;
    return { ...e, data: sealed.data, meta: sealed.meta };
  });
};

// the community stream from each close on, moved after everything else: each stream keeps its order,
// and the streams a close sealed have moved on by the time it is read
const closesLast = (log: readonly StoredEvent[]): StoredEvent[] => {
  const community = log.find((e) => e.type === 'PeriodClosed')!.streamId;
  const firstClose = log.findIndex((e) => e.type === 'PeriodClosed');
  const moved = log.filter((e, i) => i >= firstClose && e.streamId === community);
  return [...log.filter((e, i) => !(i >= firstClose && e.streamId === community)), ...moved];
};

const anomalies = (log: readonly StoredEvent[]) => rebuild(levyProjection, log as unknown as LoggedEvent[]).book.anomalies.filter((a) => a.code.startsWith('SEALED_'));

describe('sealed heads', () => {
  it('hold in a genuine log, in any order that keeps each stream in order', async () => {
    const log = await simulated();
    expect(closesOf(log).length).toBeGreaterThan(0);
    expect(verifyChain(log)).toEqual({ ok: true, count: log.length });
    expect(verifyChain(closesLast(log))).toEqual({ ok: true, count: log.length });
    expect(verifyChain([...log].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0)))).toEqual({ ok: true, count: log.length });
    expect(anomalies(log)).toEqual([]);
  });

  it('find a sealed event removed from the end of its stream', async () => {
    const log = await simulated();
    const { close, last } = sealedAtItsEnd(log);
    const cut = log.filter((e) => e !== last);
    const v = verifyChain(cut);
    expect(v.ok === false && [v.code, v.at.meta.eventId]).toEqual(['SEALED_HEAD_MISSING', close.meta.eventId]);
    expect(v.ok === false && v.reason).toContain(`sealed ${JSON.stringify(last.streamId)} at revision ${last.revision}`);
    // whatever order the streams come in
    const v2 = verifyChain([...cut].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0)));
    expect(v2.ok === false && v2.code).toBe('SEALED_HEAD_MISSING');
    // checking the chains alone, as before, cannot see it
    expect(verifyChain(cut, { seals: false }).ok).toBe(true);

    const views = rebuild(levyProjection, cut as unknown as LoggedEvent[]);
    const found = views.book.anomalies.filter((a) => a.code.startsWith('SEALED_'));
    expect(found.map((a) => [a.code, a.eventId, a.streamId])).toEqual([['SEALED_HEAD_MISSING', close.meta.eventId, close.streamId]]);
    expect(found[0]!.message).toContain(`sealed ${last.streamId} at revision ${last.revision}`);
    const trail = auditTrail(views.audit, { flagged: true }, views.book.anomalies);
    expect(trail._tag === 'Right' && trail.right.rows.find((r) => r.eventId === close.meta.eventId)?.flags).toContain('SEALED_HEAD_MISSING');
    expect(checkInvariants(cut, { skipIncremental: true, skipClosedPeriods: true }).map((x) => x.message)).toContainEqual(expect.stringMatching(/^SEALED_HEAD_MISSING: /));
  });

  it('find a whole sealed stream removed', async () => {
    const log = await simulated();
    const { close, last } = sealedAtItsEnd(log);
    const cut = log.filter((e) => e.streamId !== last.streamId);
    const v = verifyChain(cut);
    expect(v.ok === false && [v.code, v.reason]).toEqual(['SEALED_HEAD_MISSING', expect.stringContaining('holds no event of that stream')]);
    expect(anomalies(cut).some((a) => a.code === 'SEALED_HEAD_MISSING' && a.eventId === close.meta.eventId)).toBe(true);
  });

  it('find a sealed event replaced by one sealed again, every link intact', async () => {
    const log = await simulated();
    const { close, last } = sealedAtItsEnd(log);
    const replaced = resealed(log, last, (d) => ({ ...d, payer: '李四' }));
    const v = verifyChain(replaced);
    expect(v.ok === false && [v.code, v.at.meta.eventId]).toEqual(['SEALED_HEAD_MISMATCH', close.meta.eventId]);
    expect(verifyChain(replaced, { seals: false }).ok).toBe(true);
    expect(anomalies(replaced).map((a) => [a.code, a.eventId])).toEqual([['SEALED_HEAD_MISMATCH', close.meta.eventId]]);
    // read after the stream moved on: found by looking back
    const v2 = verifyChain(closesLast(replaced));
    expect(v2.ok === false && v2.code).toBe('SEALED_HEAD_MISMATCH');
  });

  it('find an earlier sealed head replaced, the stream going on after it', async () => {
    const log = await simulated();
    const close = closesOf(log)[0]!;
    const h = close.data.heads.find((x) => log.some((e) => e.streamId === x.streamId && e.revision > BigInt(x.revision)))!;
    const at = log.find((e) => e.streamId === h.streamId && e.revision.toString() === h.revision)!;
    const replaced = resealed(log, at, (d) => ({ ...d, __edited: true }));
    const v = verifyChain(replaced);
    expect(v.ok === false && [v.code, v.at.meta.eventId]).toEqual(['SEALED_HEAD_MISMATCH', close.meta.eventId]);
  });
});
