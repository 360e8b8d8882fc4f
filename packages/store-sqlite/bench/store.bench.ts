// SQLite store benchmarks (issue 4), each beside its bare better-sqlite3 floor measured in the
// same run on the same rows: batch appends, reading 1M events back, and command round trips one
// at a time and 64 in flight. Files live in a temp dir and are deleted afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { type NewEvent, type StoredEvent, decodeEvent, domainError, isLevyEvent, verifyChain } from '@levy/core';
import { type DecodedEvent, openSqliteEventStore } from '../src/index.js';
import { report } from '../../core/bench/report.js';

const now = (): number => Number(process.hrtime.bigint()) / 1e9;

// a real PaymentReceived event (it passes the io-ts event codec): canonical amounts, ids, dates,
// actor, allocation; the UUID is laid out from counters so making it costs no hash on either side
const uuidOf = (unit: number, n: number): string =>
  `00000000-0000-8000-8${unit.toString(16).padStart(3, '0').slice(-3)}-${n.toString(16).padStart(12, '0')}`;
const eventFor = (unit: number, n: number): NewEvent => {
  const amount = `${(n * 37) % 5000}.${String(n % 100).padStart(2, '0')}`;
  return {
    type: 'PaymentReceived',
    data: {
      paymentId: `wechat-wx-${unit}-${n}`,
      channel: 'wechat',
      channelTxnId: `wx-${unit}-${n}`,
      amount,
      receivedOn: '2025-11-20',
      allocations: [{ chargeId: 'property-2025-10', kind: 'principal', amount }],
      toCredit: '0.00',
    },
    meta: { eventId: uuidOf(unit, n), schemaVersion: 1, effectiveDate: '2025-11-20', recordedAt: '2025-11-20T08:00:00Z', actor: { id: 'cashier-3', role: 'clerk' } },
  };
};

// the full event codec as the store's decode hook: dispatch on type and the codecs' `is` (fast),
// the io-ts decode only to explain a failure (DESIGN.md, principle 7)
const codecHook = (e: StoredEvent): DecodedEvent => {
  if (isLevyEvent(e)) return { _tag: 'Right', right: e };
  const d = decodeEvent(e);
  const first = d._tag === 'Left' ? d.left[0] : undefined;
  return { _tag: 'Left', left: first ?? domainError('EVENT_INVALID', 'the event does not decode', []) };
};

// the floor stores a hash of the same length without computing one ("no Levy code")
const FAKE_HASH = 'f'.repeat(64);

const BARE_SCHEMA = `
  CREATE TABLE levy_events (position INTEGER PRIMARY KEY AUTOINCREMENT, stream_id TEXT NOT NULL, revision INTEGER NOT NULL,
    event_id TEXT NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL, meta TEXT NOT NULL, hash TEXT NOT NULL);
  CREATE UNIQUE INDEX levy_events_stream_revision ON levy_events (stream_id, revision);
  CREATE UNIQUE INDEX levy_events_event_id ON levy_events (event_id);`;

const bareDb = (path: string, synchronous: 'FULL' | 'NORMAL' = 'FULL'): Database.Database => {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec(BARE_SCHEMA);
  return db;
};

// figures on a shared 2-core machine are noisy: each side runs in several rounds, interleaved
// with its floor, and the best round of each is reported
const ROUNDS = 4;

/** Appends in batches of 1,000 (hash chain included) vs the bare insert loop, and 1M events read back. */
const benchBatchesAndReads = async (dir: string, total: number): Promise<void> => {
  const batch = 1000;
  const streams = total / batch;
  const perRound = streams / ROUNDS;
  // bare floor: the same rows inserted in transactions of 1,000, no Levy code (and no hashing)
  const bare = bareDb(join(dir, 'bare.db'));
  const insert = bare.prepare('INSERT INTO levy_events (stream_id, revision, event_id, type, data, meta, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
  // the same rows, byte for byte in size: meta carries a (fixed, not computed) prevHash and hash
  const insertBatch = bare.transaction((s: number) => {
    for (let i = 0; i < batch; i++) {
      const e = eventFor(s, i);
      insert.run(`levy.account-c1.${s}`, i, e.meta.eventId, e.type, JSON.stringify(e.data), JSON.stringify({ ...e.meta, prevHash: FAKE_HASH, hash: FAKE_HASH }), FAKE_HASH);
    }
  });
  const store = await openSqliteEventStore(join(dir, 'levy.db'));
  let bareInsert = 0;
  let levyInsert = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const first = round * perRound;
    let t0 = now();
    for (let s = first; s < first + perRound; s++) insertBatch(s);
    bareInsert = Math.max(bareInsert, (perRound * batch) / (now() - t0));
    t0 = now();
    for (let s = first; s < first + perRound; s++) {
      const events = new Array<NewEvent>(batch);
      for (let i = 0; i < batch; i++) events[i] = eventFor(s, i);
      await store.appendToStream(`levy.account-c1.${s}`, events, { expectedRevision: 'no-stream' });
    }
    levyInsert = Math.max(levyInsert, (perRound * batch) / (now() - t0));
  }
  report({ name: `sqlite append, batches of ${batch} (hash chain, FULL)`, value: levyInsert, unit: 'events/s', baseline: { name: 'bare better-sqlite3 insert, tx of 1,000', value: bareInsert, unit: 'rows/s' } });

  // bare floor: select every row and JSON.parse data and meta
  const select = bare.prepare('SELECT position, stream_id, revision, type, data, meta FROM levy_events ORDER BY position').raw();
  let bareRead = 0;
  let levyRead = 0;
  for (let round = 0; round < 3; round++) {
    let t0 = now();
    let bareCount = 0;
    for (const r of select.iterate() as IterableIterator<[number, string, number, string, string, string]>) {
      const data: unknown = JSON.parse(r[4]);
      const meta: unknown = JSON.parse(r[5]);
      if (data !== null && meta !== null) bareCount++;
    }
    bareRead = Math.max(bareRead, bareCount / (now() - t0));
    t0 = now();
    let levyCount = 0;
    for await (const e of store.readAll()) if (e.meta.eventId.length > 0) levyCount++;
    levyRead = Math.max(levyRead, levyCount / (now() - t0));
    if (levyCount !== total || bareCount !== total) throw new Error(`read ${levyCount} and ${bareCount} events, expected ${total}`);
  }
  // the same read with every event through the io-ts event codec (the store's decodeEvent hook)
  const validating = await openSqliteEventStore(join(dir, 'levy.db'), { decodeEvent: codecHook });
  let levyValidated = 0;
  for (let round = 0; round < 2; round++) {
    const t0 = now();
    let n = 0;
    for await (const e of validating.readAll()) if (e.meta.eventId.length > 0) n++;
    levyValidated = Math.max(levyValidated, n / (now() - t0));
    if (n !== total) throw new Error(`read ${n} validated events, expected ${total}`);
  }
  await validating.close();
  bare.close();
  report({ name: `sqlite readAll ${total.toLocaleString('en-US')} events, decoded + validated by the io-ts event codec`, value: levyValidated, unit: 'events/s', baseline: { name: 'bare select + JSON.parse', value: bareRead, unit: 'rows/s' } });
  report({ name: `sqlite readAll ${total.toLocaleString('en-US')} events, decoded + structural check`, value: levyRead, unit: 'events/s', baseline: { name: 'bare select + JSON.parse', value: bareRead, unit: 'rows/s' } });

  // an auditor's offline check: the first 100 streams (100k events) through verifyChain
  const sample: StoredEvent[] = [];
  for await (const e of store.readAll({ max: Math.min(total, 100_000) })) sample.push(e);
  const t0 = now();
  const v = verifyChain(sample);
  if (!v.ok) throw new Error(`chain broken: ${v.reason}`);
  report({ name: 'verifyChain (hash chain check, offline)', value: sample.length / (now() - t0), unit: 'events/s', baseline: null });
  await store.close();
};

/** The decide step of the round trip: fold the unit's history, produce one event (stands in for a real decider). */
const decide = (history: readonly StoredEvent[], unit: number, n: number): NewEvent => {
  let paid = 0;
  for (const e of history) if (typeof e.data.amount === 'string') paid += e.data.amount.length;
  return eventFor(unit, n + paid * 0);
};

/** Command round trips with FULL durability: read a 40-event unit stream, decide, append one event. */
const benchRoundTrips = async (dir: string): Promise<void> => {
  const units = 640;
  const historyLength = 40;
  const path = join(dir, 'round.db');
  const seed = await openSqliteEventStore(path, { synchronous: 'NORMAL' });
  await Promise.all(
    Array.from({ length: units }, (_, u) => seed.appendToStream(`levy.account-c1.${u}`, Array.from({ length: historyLength }, (_, i) => eventFor(u, i)), { expectedRevision: 'no-stream' })),
  );
  await seed.close();

  const store = await openSqliteEventStore(path); // FULL
  const next = new Map<number, number>();
  const roundTrip = async (unit: number): Promise<void> => {
    const history: StoredEvent[] = [];
    for await (const e of store.readStream(`levy.account-c1.${unit}`)) history.push(e);
    const n = next.get(unit) ?? historyLength;
    next.set(unit, n + 1);
    await store.appendToStream(`levy.account-c1.${unit}`, [decide(history.slice(-historyLength), unit, n)], { expectedRevision: history[history.length - 1]!.revision });
  };

  // a handler process that has been serving for a while has its units' streams cached: warm it
  for (let u = 0; u < units; u++) for await (const _ of store.readStream(`levy.account-c1.${u}`)) void _;

  // bare floor: one transaction (one fsync) per insert
  const bare = bareDb(join(dir, 'bare-round.db'));
  const insert = bare.prepare('INSERT INTO levy_events (stream_id, revision, event_id, type, data, meta, hash) VALUES (?, ?, ?, ?, ?, ?, ?)');
  let bareRate = 0;
  let serialRate = 0;
  let bareN = 0;
  const perRound = 300;
  for (let round = 0; round < ROUNDS; round++) {
    let t0 = now();
    for (let i = 0; i < perRound; i++, bareN++) {
      const e = eventFor(100_000, bareN);
      insert.run('bare', bareN, e.meta.eventId, e.type, JSON.stringify(e.data), JSON.stringify({ ...e.meta, prevHash: FAKE_HASH, hash: FAKE_HASH }), FAKE_HASH);
    }
    bareRate = Math.max(bareRate, perRound / (now() - t0));
    t0 = now();
    for (let i = 0; i < perRound; i++) await roundTrip((round * perRound + i) % units);
    serialRate = Math.max(serialRate, perRound / (now() - t0));
  }
  bare.close();
  report({ name: 'sqlite command round trip, one at a time (read 40, decide, append 1; FULL; stream cache warm)', value: serialRate, unit: 'commands/s', baseline: { name: 'bare one transaction per insert (FULL)', value: bareRate, unit: 'inserts/s' } });

  const inFlight = 64;
  const perWorker = 60;
  const before = store.stats();
  let concurrentRate = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = now();
    await Promise.all(
      Array.from({ length: inFlight }, async (_, w) => {
        // each handler works on its own units, so none conflicts with another
        for (let i = 0; i < perWorker; i++) await roundTrip(w + inFlight * (i % (units / inFlight)));
      }),
    );
    concurrentRate = Math.max(concurrentRate, (inFlight * perWorker) / (now() - t0));
  }
  const after = store.stats();
  report({
    name: `sqlite command round trips, ${inFlight} in flight on different units (group commit, FULL)`,
    value: concurrentRate,
    unit: 'commands/s',
    baseline: { name: 'bare one transaction per insert (FULL)', value: bareRate, unit: 'inserts/s' },
  });
  console.log(`  group commit: ${after.appends - before.appends} appends in ${after.commits - before.commits} transactions`);
  await store.close();
};

/** Runs every SQLite store benchmark in a temp dir, then deletes it. */
export const benchSqliteStore = async (): Promise<void> => {
  const dir = mkdtempSync(join(tmpdir(), 'levy-bench-'));
  console.log(`  load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores; best of several interleaved rounds`);
  try {
    await benchBatchesAndReads(dir, Number(process.env.LEVY_BENCH_EVENTS ?? 1_000_000));
    await benchRoundTrips(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};
