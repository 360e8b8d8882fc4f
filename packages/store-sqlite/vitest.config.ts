import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['levy-source'] },
  ssr: { resolve: { conditions: ['levy-source'] } },
  test: {
    name: 'store-sqlite',
    include: ['test/**/*.test.ts'],
    setupFiles: ['../testkit/vitest.setup.ts'],
    testTimeout: 60_000,
  },
});
