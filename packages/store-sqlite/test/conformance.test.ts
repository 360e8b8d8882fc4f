// the SQLite store runs the same conformance suite as every engine, each case on a fresh file
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
// testkit is not a dependency of this package (the lockfile stays as it is), so the suite is imported by path
import { storeConformanceSuite } from '@levy/testkit/conformance';
import { openSqliteEventStore } from '../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'levy-conformance-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

storeConformanceSuite('sqlite', async () => openSqliteEventStore(join(dir, `store-${n++}.db`)));
storeConformanceSuite('sqlite (NORMAL, verify on read, small pages)', async () =>
  openSqliteEventStore(join(dir, `store-${n++}.db`), { synchronous: 'NORMAL', verifyOnRead: true, readPageSize: 7, maxAppendsPerCommit: 3 }),
);
storeConformanceSuite('sqlite (no stream cache)', async () => openSqliteEventStore(join(dir, `store-${n++}.db`), { streamCacheEvents: 0 }));
