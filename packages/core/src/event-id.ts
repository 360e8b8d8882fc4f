/**
 * Deterministic event ids. Where a fact has a natural key (a charge's community, unit, fee item
 * and period; a payment's channel and channel transaction id) its event id is derived from that
 * key, so a retried command produces the same id and appends nothing new, in every store
 * (EventStoreDB also dedupes by event id). Ids are UUIDs (version 8, name-based on SHA-256) so
 * EventStoreDB accepts them.
 *
 * @example
 * import { eventIdFor } from '@levy/core';
 * eventIdFor('ChargeIssued', ['sunrise', 'B1-1203', 'property', '2025-03']) ===
 *   eventIdFor('ChargeIssued', ['sunrise', 'B1-1203', 'property', '2025-03']); // true
 */
import { sha256Hex } from './canonical-json.js';
import type { Uuid } from './codecs.js';

/**
 * A UUID derived from an event type and the parts of its natural key. Parts are joined
 * unambiguously (length-prefixed), so `['a-b', 'c']` and `['a', 'b-c']` differ.
 *
 * @example
 * eventIdFor('PaymentReceived', ['wechat', '4200001234202503150001']); // 'xxxxxxxx-xxxx-8xxx-...'
 */
export const eventIdFor = (type: string, keyParts: readonly string[]): Uuid => {
  const material = ['levy', type, ...keyParts].map((p) => `${p.length}:${p}`).join('|');
  return uuidFromHex(sha256Hex(material));
};

/**
 * Formats the first 128 bits of a hex digest as an RFC 9562 version-8 UUID.
 *
 * @example
 * uuidFromHex('0123456789abcdef0123456789abcdef'); // '01234567-89ab-8def-8123-456789abcdef'
 */
export const uuidFromHex = (hex: string): Uuid => {
  const h = hex.slice(0, 32).padEnd(32, '0').toLowerCase();
  const variant = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}` as Uuid;
};
