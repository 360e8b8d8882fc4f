import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { canonicalJson, decodeCommand, decodeEvent, eventIdFor, isLevyEvent, parseStreamName, accountStream } from '@levy/core';

const meta = {
  eventId: eventIdFor('CreditApplied', ['sunrise', 'u1', 'c1']),
  schemaVersion: 1,
  effectiveDate: '2025-03-15',
  recordedAt: '2025-03-15T02:30:00Z',
  actor: { id: 'clerk-1', role: 'clerk' },
};

describe('event codecs', () => {
  it('decodes a valid event to the same JSON', () => {
    const raw = { type: 'CreditApplied', data: { chargeId: 'c1', amount: '5.00' }, meta };
    const r = decodeEvent(raw);
    expect(E.isRight(r)).toBe(true);
    if (E.isRight(r)) expect(canonicalJson(r.right)).toBe(canonicalJson(raw));
    expect(isLevyEvent(raw)).toBe(true);
  });
  it('reports every bad field with its path', () => {
    const r = decodeEvent({ type: 'CreditApplied', data: { chargeId: 'c 1', amount: 5 }, meta: { ...meta, effectiveDate: '2025-02-30' } });
    expect(E.isLeft(r)).toBe(true);
    if (E.isLeft(r)) {
      const paths = r.left.map((e) => e.path.join('.')).sort();
      expect(paths).toEqual(['data.amount', 'data.chargeId', 'meta.effectiveDate']);
      expect(r.left.every((e) => e.code === 'DECODE_FAILED')).toBe(true);
    }
  });
  it("reads CreditApplied's lots, and names each bad part by its path", () => {
    const lots = [{ lotId: 'wechat-adv1', amount: '3.00' }, { lotId: 'cancel:property-2025-02', amount: '2.00' }];
    const r = decodeEvent({ type: 'CreditApplied', data: { chargeId: 'c1', amount: '5.00', lots }, meta });
    expect(E.isRight(r) && r.right.type === 'CreditApplied' && r.right.data.lots).toEqual(lots);
    const bad = decodeEvent({ type: 'CreditApplied', data: { chargeId: 'c1', amount: '5.00', lots: [{ lotId: '', amount: '3.00' }, { lotId: 'wechat-adv1', amount: '2' }] }, meta });
    expect(E.isLeft(bad) && bad.left.map((e) => e.path.join('.')).sort()).toEqual(['data.lots.0.lotId', 'data.lots.1.amount']);
  });
  it("reads CreditRefunded's lots and PaymentReversed's fromCreditLots, and names each bad part by its path", () => {
    const lots = [{ lotId: 'wechat-adv1', amount: '3.00' }];
    const refunded = { refundId: 'r1', amount: '3.00', channel: 'wechat', refundedOn: '2025-03-15' };
    const r = decodeEvent({ type: 'CreditRefunded', data: { ...refunded, lots }, meta });
    expect(E.isRight(r) && r.right.type === 'CreditRefunded' && r.right.data.lots).toEqual(lots);
    const badRefund = decodeEvent({ type: 'CreditRefunded', data: { ...refunded, lots: [{ lotId: 'wechat-adv1', amount: '3' }] }, meta });
    expect(E.isLeft(badRefund) && badRefund.left.map((e) => e.path.join('.'))).toEqual(['data.lots.0.amount']);
    const reversed = { paymentId: 'wechat-adv1', reason: 'bounced', channel: 'wechat', amount: '3.00', allocations: [], fromCredit: '3.00', creditApplications: [] };
    const v = decodeEvent({ type: 'PaymentReversed', data: { ...reversed, fromCreditLots: lots }, meta });
    expect(E.isRight(v) && v.right.type === 'PaymentReversed' && v.right.data.fromCreditLots).toEqual(lots);
    const badReversal = decodeEvent({ type: 'PaymentReversed', data: { ...reversed, fromCreditLots: [{ amount: '3.00' }] }, meta });
    expect(E.isLeft(badReversal) && badReversal.left.map((e) => e.path.join('.'))).toEqual(['data.fromCreditLots.0.lotId']);
  });
  it('names an unknown event type', () => {
    const r = decodeEvent({ type: 'ChargeEdited', data: {}, meta });
    expect(E.isLeft(r) && r.left[0]?.code).toBe('EVENT_TYPE_UNKNOWN');
  });
  it('strips fields a codec does not know, so hashes never cover stray data', () => {
    const r = decodeEvent({ type: 'CreditApplied', data: { chargeId: 'c1', amount: '5.00', extra: 1 }, meta });
    expect(E.isRight(r) && 'extra' in r.right.data).toBe(false);
  });
  it('refuses non-canonical amounts in events but accepts short ones in commands', () => {
    expect(E.isLeft(decodeEvent({ type: 'CreditApplied', data: { chargeId: 'c1', amount: '5' }, meta }))).toBe(true);
    const cmd = decodeCommand({
      type: 'RefundCredit',
      data: { amount: '5', channel: 'cash', refundedOn: '2025-03-15' },
      meta: { actor: { id: 'clerk-1', role: 'clerk' }, effectiveDate: '2025-03-15' },
    });
    expect(E.isRight(cmd)).toBe(true);
  });
});

describe('event ids and streams', () => {
  it('derives the same UUID from the same natural key, and different ones otherwise', () => {
    const a = eventIdFor('PaymentReceived', ['wechat', '42']);
    expect(a).toBe(eventIdFor('PaymentReceived', ['wechat', '42']));
    expect(a).not.toBe(eventIdFor('PaymentReceived', ['wechat4', '2']));
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
  it('round-trips stream names', () => {
    expect(parseStreamName(accountStream('sunrise', 'B1-1203'))).toEqual({ kind: 'account', communityId: 'sunrise', unitId: 'B1-1203' });
    expect(parseStreamName('other')).toBeNull();
  });
});
