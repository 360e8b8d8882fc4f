import { defineProject } from 'vitest/config';
import { TEST_TIMEOUT_MS } from './test/support/properties.js';

export default defineProject({
  resolve: { conditions: ['levy-source'] },
  ssr: { resolve: { conditions: ['levy-source'] } },
  test: {
    name: 'testkit',
    include: ['test/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    // a minute, longer under LEVY_FC_SCALE (test/support/properties.ts in testkit)
    testTimeout: TEST_TIMEOUT_MS,
  },
});
