import { defineWorkspace } from 'vitest/config';

// one project per package; each package's vitest.config.ts sets its own name and timeouts
export default defineWorkspace(['packages/*/vitest.config.ts']);
