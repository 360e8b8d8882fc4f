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
  // the same material as ['levy', type, ...keyParts].map((p) => `${p.length}:${p}`).join('|'), built without the arrays
  let material = prefixOf(type);
  for (let i = 0; i < keyParts.length; i++) {
    const p = keyParts[i]!;
    material += `|${p.length}:${p}`;
  }
  return uuidFromDigest(sha256Hex(material));
};

// one prefix per event type: a few dozen types, formatted once each
const prefixes = new Map<string, string>();
const prefixOf = (type: string): string => {
  let prefix = prefixes.get(type);
  if (prefix === undefined) {
    prefix = `4:levy|${type.length}:${type}`;
    if (prefixes.size < 256) prefixes.set(type, prefix);
  }
  return prefix;
};

// the variant nibble of uuidFromHex, (n & 0x3) | 0x8, for each lowercase hex digit
const VARIANT: Readonly<Record<string, string>> = { '0': '8', '1': '9', '2': 'a', '3': 'b', '4': '8', '5': '9', '6': 'a', '7': 'b', '8': '8', '9': '9', a: 'a', b: 'b', c: '8', d: '9', e: 'a', f: 'b' };

/** uuidFromHex for a SHA-256 hex digest (64 lowercase hex digits): no padding or case folding to do. */
const uuidFromDigest = (hex: string): Uuid => {
  const variant = VARIANT[hex[16]!];
  if (hex.length < 32 || variant === undefined) return uuidFromHex(hex);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}` as Uuid;
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
