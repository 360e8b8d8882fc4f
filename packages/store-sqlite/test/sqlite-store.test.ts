// What only a file-backed store has to prove: its file format, locks, crashes and other processes.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type StoredEvent, isStoreError, openMemoryEventStore, verifyChain } from '@levy/core';
import { LEVY_APPLICATION_ID, SCHEMA_VERSION, openSqliteEventStore } from '../src/index.js';
import { collect, ev, failure, tempFiles } from './fixtures/files.js';

const file = tempFiles('levy-sqlite-');

describe('file format', () => {
  it('creates a Levy store: application id, schema version, migrations table, WAL', async () => {
    const path = file();
    const s = await openSqliteEventStore(path);
    await s.appendToStream('a', [ev('a0')]);
    expect(s.schemaVersion).toBe(SCHEMA_VERSION);
    await s.close();
    const db = new Database(path, { readonly: true });
    expect(db.pragma('application_id', { simple: true })).toBe(LEVY_APPLICATION_ID);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect((db.prepare('SELECT version FROM levy_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version)).toEqual([1]);
    db.close();
  });
  it('reopens a store with its events and goes on from where it was', async () => {
    const path = file();
    const s1 = await openSqliteEventStore(path);
    await s1.appendToStream('a', [ev('a0'), ev('a1')]);
    await s1.close();
    const s2 = await openSqliteEventStore(path);
    expect(await s2.appendToStream('a', [ev('a2')], { expectedRevision: 1n })).toEqual({ nextExpectedRevision: 2n, position: 3n });
    expect(verifyChain(await collect(s2.readAll()))).toEqual({ ok: true, count: 3 });
    await s2.close();
  });
  it('refuses a file that is not a database and leaves it byte for byte as it was', async () => {
    const path = file();
    writeFileSync(path, 'owner,unit,amount\n张三,101,250.60\n'.repeat(200));
    const before = readFileSync(path);
    const e = await failure(openSqliteEventStore(path));
    expect(isStoreError(e, 'STORE_NOT_LEVY')).toBe(true);
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
  it('refuses another application’s SQLite database without touching it', async () => {
    const path = file();
    const db = new Database(path);
    db.exec("CREATE TABLE invoices (id INTEGER PRIMARY KEY, amount TEXT); INSERT INTO invoices (amount) VALUES ('1.00')");
    db.close();
    const before = readFileSync(path);
    const e = await failure(openSqliteEventStore(path));
    expect(isStoreError(e, 'STORE_NOT_LEVY') && e.message).toContain('not a Levy event store');
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
  it('refuses a store written by a newer Levy without touching it', async () => {
    const path = file();
    const s = await openSqliteEventStore(path);
    await s.appendToStream('a', [ev('a0')]);
    await s.close();
    const db = new Database(path);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.pragma('journal_mode = DELETE');
    db.close();
    const before = readFileSync(path);
    const e = await failure(openSqliteEventStore(path));
    expect(isStoreError(e, 'STORE_SCHEMA_TOO_NEW') && e.error.details?.version).toBe(SCHEMA_VERSION + 1);
    expect(readFileSync(path).equals(before)).toBe(true);
  });
  it('rejects unknown options with OPTIONS_INVALID', async () => {
    expect(isStoreError(await failure(openSqliteEventStore(file(), { synchronous: 'OFF' as 'FULL' })), 'OPTIONS_INVALID')).toBe(true);
  });
  it('rejects a misspelt option, a limit out of range and an empty path, naming the field, and writes no file', async () => {
    const refusal = async (p: Promise<unknown>) => {
      const e = await failure(p);
      return isStoreError(e, 'OPTIONS_INVALID') ? { path: e.error.path, message: e.error.message } : e;
    };
    const path = file();
    const misspelt = await refusal(openSqliteEventStore(path, { synchronus: 'NORMAL' } as never));
    expect(misspelt).toMatchObject({ path: ['synchronus'], message: expect.stringContaining('"synchronus" is not an option of the SQLite store') });
    for (const [name, value] of [['readPageSize', 0], ['readPageSize', Number.NaN], ['maxAppendsPerCommit', 2.5], ['busyTimeoutMs', -1], ['busyRetries', '5'], ['streamCacheEvents', -1], ['pollIntervalMs', 0]] as const) {
      expect(await refusal(openSqliteEventStore(path, { [name]: value } as never))).toMatchObject({ path: [name] });
    }
    expect(await refusal(openSqliteEventStore(path, { verifyOnRead: 'yes' } as never))).toMatchObject({ path: ['verifyOnRead'] });
    expect(await refusal(openSqliteEventStore(path, { decodeEvent: {} } as never))).toMatchObject({ path: ['decodeEvent'] });
    expect(existsSync(path)).toBe(false);
    // SQLite would take '' for a temporary file deleted on close: every event lost
    expect(await refusal(openSqliteEventStore(''))).toMatchObject({ path: ['path'], message: expect.stringContaining("':memory:'") });
    // ':memory:' and the limits' own bounds are fine
    const s = await openSqliteEventStore(':memory:', { readPageSize: 1, maxAppendsPerCommit: 100_000, streamCacheEvents: 0, busyRetries: 0 });
    await s.close();
  });
});

describe('locks and driver errors', () => {
  it('answers STORE_BUSY, never SQLITE_BUSY, when another connection holds the write lock too long, and recovers', async () => {
    const path = file();
    const s = await openSqliteEventStore(path, { busyTimeoutMs: 30, busyRetries: 1 });
    await s.appendToStream('a', [ev('a0')]);
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    const e = await failure(s.appendToStream('a', [ev('a1')]));
    expect(isStoreError(e, 'STORE_BUSY')).toBe(true);
    other.exec('ROLLBACK');
    other.close();
    expect((await s.appendToStream('a', [ev('a1')])).nextExpectedRevision).toBe(1n);
    await s.close();
  });
  it('waits for a lock held briefly by another connection instead of failing', async () => {
    const path = file();
    const s = await openSqliteEventStore(path, { busyTimeoutMs: 10, busyRetries: 20 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    setTimeout(() => other.exec('ROLLBACK'), 60);
    expect((await s.appendToStream('a', [ev('a0')])).position).toBe(1n);
    other.close();
    await s.close();
  });
  it('reports a stored row that is not JSON as EVENT_INVALID, not a SyntaxError', async () => {
    const path = file();
    const s = await openSqliteEventStore(path);
    await s.appendToStream('a', [ev('a0')]);
    const db = new Database(path);
    db.prepare("UPDATE levy_events SET data = '{broken' WHERE position = 1").run();
    db.close();
    expect(isStoreError(await failure(collect(s.readAll())), 'EVENT_INVALID')).toBe(true);
    await s.close();
  });
  it('passes every event read through the codec hook and refuses one it rejects', async () => {
    const path = file();
    const seen: bigint[] = [];
    const s = await openSqliteEventStore(path, {
      decodeEvent: (e: StoredEvent) => {
        seen.push(e.position);
        return e.type === 'Bad' ? { _tag: 'Left', left: { code: 'EVENT_TYPE_UNKNOWN', message: 'unknown type Bad', path: ['type'] } } : { _tag: 'Right', right: e };
      },
    });
    await s.appendToStream('a', [ev('a0'), { type: 'Bad', data: {}, meta: { eventId: 'b' } }]);
    const e = await failure(collect(s.readAll()));
    expect(isStoreError(e, 'EVENT_INVALID') && e.error.details).toEqual({ position: 2n, streamId: 'a', revision: 1n, eventId: 'b', code: 'EVENT_TYPE_UNKNOWN' });
    expect(seen).toEqual([1n, 2n]);
    await s.close();
  });
});

describe('hash chain on read', () => {
  const tampered = async (verifyOnRead: boolean) => {
    const path = file();
    const s = await openSqliteEventStore(path, { verifyOnRead });
    for (let i = 0; i < 6; i++) await s.appendToStream(`s${i % 2}`, [ev(`e${i}`, { amount: `${i}.00` })]);
    const db = new Database(path);
    // someone edits an amount in place, without the chain
    db.prepare(`UPDATE levy_events SET data = '{"amount":"999.00"}' WHERE position = 3`).run();
    db.close();
    return s;
  };
  it('reports the first event that breaks a chain when verifying on read', async () => {
    const s = await tampered(true);
    const e = await failure(collect(s.readAll()));
    expect(isStoreError(e, 'CHAIN_BROKEN') && e.error.details).toMatchObject({ streamId: 's0', revision: 1n, position: 3n, eventId: 'e2', break: 'HASH_MISMATCH' });
    expect(isStoreError(await failure(collect(s.readStream('s0'))), 'CHAIN_BROKEN')).toBe(true);
    expect(isStoreError(await failure(collect(s.readStream('s0', { from: 1n }))), 'CHAIN_BROKEN')).toBe(true);
    expect(isStoreError(await failure(collect(s.readStream('s0', { direction: 'backwards' }))), 'CHAIN_BROKEN')).toBe(true);
    expect((await collect(s.readStream('s1'))).length).toBe(3);
    await s.close();
  });
  it('ends a verifying subscription with CHAIN_BROKEN at the tampered event', async () => {
    const s = await tampered(true);
    const seen: bigint[] = [];
    const e = await failure(
      (async () => {
        for await (const x of s.subscribeToAll()) seen.push(x.position);
      })(),
    );
    expect(isStoreError(e, 'CHAIN_BROKEN')).toBe(true);
    expect(seen).toEqual([]); // the page holding the break is refused whole
    await s.close();
  });
  it('finds the break with verify() even when reads do not check', async () => {
    const s = await tampered(false);
    expect((await collect(s.readAll())).length).toBe(6);
    const v = await s.verify();
    expect(v.ok === false && [v.at.position, v.code]).toEqual([3n, 'HASH_MISMATCH']);
    await s.close();
  });
  it('detects a deleted event as a gap in its stream', async () => {
    const path = file();
    const s = await openSqliteEventStore(path, { verifyOnRead: true });
    await s.appendToStream('a', [ev('a0'), ev('a1'), ev('a2')]);
    const db = new Database(path);
    db.prepare('DELETE FROM levy_events WHERE position = 2').run();
    db.close();
    const e = await failure(collect(s.readStream('a')));
    expect(isStoreError(e, 'CHAIN_BROKEN') && e.error.details?.break).toBe('REVISION_GAP');
    const b = await failure(collect(s.readStream('a', { direction: 'backwards' })));
    expect(isStoreError(b, 'CHAIN_BROKEN') && [b.error.details?.break, b.error.details?.revision]).toEqual(['REVISION_GAP', 2n]);
    await s.close();
  });
  it('reads a stream with a deleted row the same every time when not verifying (no cache confusion)', async () => {
    const path = file();
    const s = await openSqliteEventStore(path);
    await s.appendToStream('a', [ev('a0'), ev('a1'), ev('a2')]);
    expect((await collect(s.readStream('a'))).length).toBe(3);
    const db = new Database(path);
    db.prepare('DELETE FROM levy_events WHERE position = 2').run();
    db.close();
    await s.appendToStream('a', [ev('a3')], { expectedRevision: 2n });
    const read = async () => (await collect(s.readStream('a'))).map((e) => e.revision);
    const first = await read();
    expect(await read()).toEqual(first);
    expect((await s.verify()).ok).toBe(false);
    await s.close();
  });
});

describe('stream cache', () => {
  it('sees appends made through another connection after a stream was read and cached', async () => {
    const path = file();
    const a = await openSqliteEventStore(path);
    const b = await openSqliteEventStore(path);
    await a.appendToStream('u', [ev('u0'), ev('u1')]);
    expect((await collect(a.readStream('u'))).length).toBe(2);
    await b.appendToStream('u', [ev('u2')], { expectedRevision: 1n });
    expect((await collect(a.readStream('u'))).map((e) => e.meta.eventId)).toEqual(['u0', 'u1', 'u2']);
    expect((await collect(a.readStream('u', { from: 1n, max: 1 }))).map((e) => e.meta.eventId)).toEqual(['u1']);
    await a.close();
    await b.close();
  });
  it('serves frozen events, so one reader cannot change what the next one sees', async () => {
    const s = await openSqliteEventStore(file());
    await s.appendToStream('u', [ev('u0', { amount: '1.00' })]);
    const [e] = await collect(s.readStream('u'));
    expect(() => {
      (e!.data as Record<string, unknown>).amount = '2.00';
    }).toThrow(TypeError);
    expect((await collect(s.readStream('u')))[0]!.data.amount).toBe('1.00');
    await s.close();
  });
  it('keeps no more events than its limit, and still reads evicted streams whole', async () => {
    const s = await openSqliteEventStore(file(), { streamCacheEvents: 40 });
    for (let i = 0; i < 20; i++) await s.appendToStream(`u${i}`, Array.from({ length: 5 }, (_, j) => ev(`u${i}-${j}`)));
    for (let round = 0; round < 2; round++) for (let i = 0; i < 20; i++) expect((await collect(s.readStream(`u${i}`))).length).toBe(5);
    await s.close();
  });
});

describe('group commit', () => {
  it('commits 64 appends that arrive together in one transaction, each with its own result', async () => {
    const s = await openSqliteEventStore(file());
    const before = s.stats();
    const results = await Promise.all(Array.from({ length: 64 }, (_, i) => s.appendToStream(`u${i}`, [ev(`u${i}-0`)], { expectedRevision: 'no-stream' })));
    expect(s.stats().commits - before.commits).toBe(1);
    expect(s.stats().appends - before.appends).toBe(64);
    expect(results.map((r) => r.position).sort((a, b) => (a < b ? -1 : 1))).toEqual(Array.from({ length: 64 }, (_, i) => BigInt(i + 1)));
    await s.close();
  });
  it('writes every accepted append before close returns', async () => {
    const path = file();
    const s = await openSqliteEventStore(path);
    const pending = Array.from({ length: 10 }, (_, i) => s.appendToStream('a', [ev(`a${i}`)]));
    await s.close();
    expect((await Promise.all(pending)).map((r) => r.nextExpectedRevision)).toEqual(Array.from({ length: 10 }, (_, i) => BigInt(i)));
    const again = await openSqliteEventStore(path);
    expect((await collect(again.readAll())).length).toBe(10);
    await again.close();
  });
});

// child processes run the fixture through tsx on the sources, as a clean clone can without a build
const require = createRequire(import.meta.url);
const tsx = pathToFileURL(require.resolve('tsx')).href;
const fixture = fileURLToPath(new URL('./fixtures/append-loop.ts', import.meta.url));
const child = (args: string[]) => spawn(process.execPath, ['--import', tsx, '--conditions=levy-source', fixture, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
const finished = (p: ReturnType<typeof child>): Promise<{ code: number | null; signal: string | null; out: string; err: string }> =>
  new Promise((resolve) => {
    let out = '';
    let err = '';
    p.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    p.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    p.on('close', (code, signal) => resolve({ code, signal, out, err }));
  });

describe('other processes', () => {
  it('survives a SIGKILL in the middle of appends: whole appends only, chains intact, and appends go on', async () => {
    const path = file();
    // create the file first so the child does not race the test on the schema
    await (await openSqliteEventStore(path)).close();
    const p = child([path, 'crash', 'c', '1000000']);
    const done = finished(p);
    let acks = 0;
    await new Promise<void>((resolve) => {
      p.stdout!.on('data', (d: Buffer) => {
        acks += d.toString().split('\n').filter((l) => l.startsWith('ack ')).length;
        if (acks >= 150) resolve();
      });
    });
    p.kill('SIGKILL');
    const r = await done;
    expect(r.signal).toBe('SIGKILL');
    const acked = r.out.split('\n').filter((l) => l.startsWith('ack ')).length;
    const s = await openSqliteEventStore(path, { verifyOnRead: true });
    const all = await collect(s.readAll());
    const perAppend = new Map<number, number>();
    for (const e of all) perAppend.set(e.data.n as number, (perAppend.get(e.data.n as number) ?? 0) + 1);
    expect([...perAppend.values()].every((c) => c === 5)).toBe(true);
    // every acknowledged append is there (FULL durability), at most one more was committed before the kill
    expect(perAppend.size).toBeGreaterThanOrEqual(acked);
    expect(perAppend.size).toBeLessThanOrEqual(acked + 1);
    expect([...perAppend.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: perAppend.size }, (_, i) => i));
    expect(verifyChain(all).ok).toBe(true);
    expect((await s.verify()).ok).toBe(true);
    const last = (await collect(s.readStream('crash-0', { direction: 'backwards', max: 1 })))[0]!;
    expect((await s.appendToStream('crash-0', [ev('after-crash')], { expectedRevision: last.revision })).nextExpectedRevision).toBe(last.revision + 1n);
    await s.close();
  });
  it('lets two processes append to one file at once: each append lands or gets CONCURRENCY_CONFLICT, nothing corrupt', async () => {
    const path = file();
    await (await openSqliteEventStore(path)).close();
    const rounds = 150;
    const racers = [child([path, 'race', 'A', String(rounds)]), child([path, 'race', 'B', String(rounds)])];
    const results = Promise.all(racers.map(finished));
    await Promise.all(racers.map((p) => new Promise<void>((resolve) => p.stdout!.on('data', (d: Buffer) => d.toString().includes('ready') && resolve()))));
    writeFileSync(`${path}.go`, '');
    const [a, b] = await results;
    expect(a!.err + b!.err).toBe('');
    expect([a!.code, b!.code]).toEqual([0, 0]);
    const ra = JSON.parse(a!.out.trim().split('\n').pop()!) as { ok: number; conflicts: number };
    const rb = JSON.parse(b!.out.trim().split('\n').pop()!) as { ok: number; conflicts: number };
    expect(ra.ok + ra.conflicts).toBe(rounds);
    expect(rb.ok + rb.conflicts).toBe(rounds);
    expect(ra.ok > 0 && rb.ok > 0).toBe(true);
    console.log(`two processes: A ${ra.ok} landed / ${ra.conflicts} conflicts, B ${rb.ok} / ${rb.conflicts}`);
    const s = await openSqliteEventStore(path);
    const shared = await collect(s.readStream('shared'));
    expect(shared.length).toBe((ra.ok + rb.ok) * 3);
    expect(shared.map((e) => e.revision)).toEqual(shared.map((_, i) => BigInt(i)));
    expect((await collect(s.readStream('own-A'))).length).toBe(rounds * 2);
    expect((await collect(s.readStream('own-B'))).length).toBe(rounds * 2);
    const all = await collect(s.readAll());
    expect(all.map((e) => e.position)).toEqual(all.map((_, i) => BigInt(i + 1)));
    expect(verifyChain(all).ok).toBe(true);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    await s.close();
  });
  it('lets a subscription in one process follow appends made by another', async () => {
    const path = file();
    const s = await openSqliteEventStore(path, { pollIntervalMs: 20 });
    const sub = s.subscribeToAll();
    const seen: StoredEvent[] = [];
    const reading = (async () => {
      for await (const e of sub) {
        seen.push(e);
        if (seen.length === 20 * 5) break;
      }
    })();
    const r = await finished(child([path, 'crash', 'x', '20']));
    expect(r.code).toBe(0);
    await reading;
    expect(seen.map((e) => e.position)).toEqual(seen.map((_, i) => BigInt(i + 1)));
    await s.close();
  });
});

describe('a memory store seeded from a SQLite read', () => {
  it('takes every event readAll gives, with their revisions and chains, and goes on from there', async () => {
    const s = await openSqliteEventStore(file());
    await s.appendToStream('levy.a', [ev('a0', { amount: '1.00', 名: '张三' }), ev('a1', { lines: [1, { x: null }] })]);
    await s.appendToStream('levy.b', [ev('b0')]);
    await s.appendToStream('levy.a', [ev('a2')], { expectedRevision: 1n });
    const stored = await collect(s.readAll());
    await s.close();
    const m = openMemoryEventStore({ seed: stored });
    expect(await collect(m.readAll())).toEqual(stored);
    expect(verifyChain(await collect(m.readAll()))).toEqual({ ok: true, count: 4 });
    // the next append continues each stream's revisions and chain
    expect(await m.appendToStream('levy.b', [ev('b1')], { expectedRevision: 0n })).toEqual({ nextExpectedRevision: 1n, position: 5n });
    expect(verifyChain(await collect(m.readAll()))).toEqual({ ok: true, count: 5 });
  });
  it('refuses a SQLite read whose stored hash was changed, naming the event, and opens no store', async () => {
    const s = await openSqliteEventStore(file());
    await s.appendToStream('levy.a', [ev('a0'), ev('a1')]);
    const stored = await collect(s.readAll());
    await s.close();
    const tampered = stored.map((e, i) => (i === 1 ? { ...e, data: { changed: true } } : e));
    const e = (() => {
      try {
        openMemoryEventStore({ seed: tampered });
        return 'no error';
      } catch (error) {
        return error;
      }
    })();
    expect(isStoreError(e, 'CHAIN_BROKEN')).toBe(true);
    expect((e as { error: { path: readonly string[] } }).error.path.slice(0, 2)).toEqual(['seed', '1']);
  });
});
