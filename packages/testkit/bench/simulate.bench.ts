// The demo's year (issue 5): 1,200 units simulated through the real handler into the memory
// store. The demo must finish well under a minute; this keeps the figure measured.
import { openMemoryEventStore } from '@levy/core';
import { report } from '../../core/bench/report.js';
import { simulateCommunityYear } from '../src/simulate.js';

/** Runs the simulation bench. */
export const benchSimulate = async (): Promise<void> => {
  const t0 = process.hrtime.bigint();
  const summary = await simulateCommunityYear({ seed: 20251127, units: 1200, store: openMemoryEventStore() });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  report({ name: 'simulateCommunityYear: 1,200 units, memory store, wall time', value: s, unit: 's' });
  report({ name: 'simulateCommunityYear: events written per second', value: summary.events / s, unit: 'events/s' });
  report({ name: 'simulateCommunityYear: commands handled per second', value: summary.commands / s, unit: 'commands/s' });
  if (Object.keys(summary.refusals).length > 0) throw new Error(`the simulation was refused: ${JSON.stringify(summary.refusals)}`);
};
