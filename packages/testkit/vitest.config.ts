import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['levy-source'] },
  ssr: { resolve: { conditions: ['levy-source'] } },
  test: {
    name: 'testkit',
    include: ['test/**/*.test.ts'],
    setupFiles: ['./vitest.setup.ts'],
    testTimeout: 60_000,
  },
});
