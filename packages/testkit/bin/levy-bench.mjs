// The workspace bench runner (`pnpm bench [package...]` at the root). Runs every package's benchmarks (packages/*/bench/index.ts) one after another, so figures are
// not skewed by each other on a 2-core machine, and writes bench-results.json at the root:
// an array of { name, value, unit, baseline } (baseline: the same-run figure it is compared with).
// Each bench prints its own lines, and one line per figure starting with "BENCH " and JSON.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
const results = [];
let failed = false;
for (const pkg of readdirSync('packages').sort()) {
  const entry = join('packages', pkg, 'bench', 'index.ts');
  if (!existsSync(entry) || (only.length > 0 && !only.includes(pkg))) continue;
  console.log(`\n## ${pkg}`);
  const run = spawnSync('pnpm', ['exec', 'tsx', '--conditions=levy-source', entry], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=8192`.trim() },
  });
  for (const line of run.stdout.split('\n')) {
    if (line.startsWith('BENCH ')) results.push(JSON.parse(line.slice(6)));
    else if (line.length > 0) console.log(line);
  }
  if (run.status !== 0) {
    failed = true;
    console.error(`bench ${pkg} exited with ${run.status}`);
  }
}
writeFileSync('bench-results.json', `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote bench-results.json (${results.length} figures)`);
process.exit(failed ? 1 : 0);
