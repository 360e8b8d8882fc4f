// The same log gives byte-identical reports (DESIGN.md, invariants), whatever the process's time
// zone and locale: a simulated year's log is folded and printed here, and again in child processes
// started in New York under a German locale and in Kolkata (UTC+5:30) under an Egyptian Arabic
// one, whose default digits are not 0-9. The children must start and answer: an environment that
// cannot run them fails the test, it does not skip it.
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { type StoredEvent, openMemoryEventStore, toJsonLines } from '@levy/core';
import { simulateCommunityYear } from '../../testkit/src/index.js';
import { type Section, reportOutput } from './support/report-output.js';

const SEED = 20251127;
const YEAR = 2025;
const UNITS = 40;

// children run the script through tsx on the sources, as store-sqlite's process tests do
const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const script = fileURLToPath(new URL('./support/report-child.ts', import.meta.url));

interface ChildAnswer {
  readonly timeZone: string;
  readonly locale: string;
  readonly offsetMinutes: number;
  readonly sections: readonly Section[];
}

/** runs the child in `env` on the log; rejects when it cannot start, fails, or answers nothing readable */
const inChild = (logPath: string, env: Readonly<Record<string, string>>): Promise<ChildAnswer> =>
  new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--import', tsx, '--conditions=levy-source', script, logPath, String(YEAR)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    p.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    p.on('error', reject);
    p.on('close', (code, signal) => {
      if (code !== 0) reject(new Error(`the child (${JSON.stringify(env)}) ended with ${code ?? signal}: ${err}`));
      else resolve(JSON.parse(out) as ChildAnswer);
    });
  });

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const digests = (sections: readonly Section[]): [string, number, string][] => sections.map((s) => [s.name, s.text.length, sha256(s.text)]);

const dir = mkdtempSync(join(tmpdir(), 'levy-report-bytes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('report bytes', () => {
  it('prints the same bytes for the same log in New York under de_DE and in Kolkata under ar_EG as here', async () => {
    const store = openMemoryEventStore();
    const sim = await simulateCommunityYear({ seed: SEED, units: UNITS, year: YEAR, store });
    const events: StoredEvent[] = [];
    for await (const e of store.readAll()) events.push(e);
    const logPath = join(dir, 'year.jsonl');
    writeFileSync(logPath, toJsonLines(events));

    const children = [
      { TZ: 'America/New_York', LANG: 'de_DE.UTF-8', LC_ALL: 'de_DE.UTF-8' },
      { TZ: 'Asia/Kolkata', LANG: 'ar_EG.UTF-8', LC_ALL: 'ar_EG.UTF-8' },
    ];
    const answers = Promise.all(children.map((env) => inChild(logPath, env)));
    const here = reportOutput(toJsonLines(events), YEAR);
    const [newYork, kolkata] = await answers;

    // the output is the year's: every section printed something, every unit has its statement
    expect(sim.refusals).toEqual({});
    expect(here.map((s) => s.name)).toEqual(expect.arrayContaining(['bundle 2025-12-31', 'statements', 'disclosures', 'audit']));
    for (const s of here) expect(s.text.length, s.name).toBeGreaterThan(0);
    expect(here.find((s) => s.name === 'statements')!.text.match(/业主/g)?.length ?? 0).toBeGreaterThanOrEqual(UNITS);
    expect(here.find((s) => s.name === 'disclosures')!.text).toContain(`${YEAR}-Q4`);

    // the children ran where they were told to (else this compared nothing)
    expect([newYork!.timeZone, newYork!.locale, newYork!.offsetMinutes]).toEqual(['America/New_York', 'de-DE', 300]);
    // ICU may name the zone by its older name
    expect([kolkata!.timeZone.replace('Asia/Calcutta', 'Asia/Kolkata'), kolkata!.locale, kolkata!.offsetMinutes]).toEqual(['Asia/Kolkata', 'ar-EG', -330]);

    // section by section (a difference names its section), then the bytes themselves
    expect(digests(newYork!.sections)).toEqual(digests(here));
    expect(digests(kolkata!.sections)).toEqual(digests(here));
    expect(newYork!.sections).toEqual(here);
    expect(kolkata!.sections).toEqual(here);
  });
});
