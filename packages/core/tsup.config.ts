import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/engine.ts'],
  format: ['esm', 'cjs'],
  // both entries share one chunk in CommonJS too (ESM splits anyway): otherwise engine.cjs carries
  // its own StoreError, and isStoreError from the main entry refuses what an engine throws. rollup
  // (treeshake) writes the CommonJS chunks; tsup's own cjs splitting would run sucrase over them,
  // which lowers every `?.` and `??` to a helper call
  splitting: true,
  treeshake: true,
  // declarations resolve sibling packages through their built entry, not their sources
  dts: { compilerOptions: { customConditions: [] } },
  sourcemap: true,
  clean: true,
  target: 'node20',
});
