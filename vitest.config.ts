import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Two groups, run one after the other. The cluster tests (apps/server/test/cluster)
 * start nodes, nginx, Redis and PostgreSQL and time what the issue promises
 * (back in sync within 6 s of a SIGKILL, cross-node updates within 1 s of Redis
 * returning): they run last, one file at a time, with nothing else competing
 * for the machine's cores.
 */
const cluster = 'apps/server/test/cluster/**/*.test.ts';

export default defineConfig({
  resolve: { conditions: ['source'] },
  ssr: { resolve: { conditions: ['source'] } },
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'packages/*/src/**/*.test.ts',
            'apps/*/src/**/*.test.ts',
            'apps/*/test/**/*.test.ts',
            'packages/*/test/**/*.test.ts',
            'packages/*/exploits/**/*.test.ts',
          ],
          exclude: [...configDefaults.exclude, cluster],
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'cluster',
          include: [cluster],
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
