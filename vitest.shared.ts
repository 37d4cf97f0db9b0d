import { defineConfig } from 'vitest/config';

/**
 * Shared vitest settings. Tests run on TypeScript sources: the `@ratchet/source`
 * export condition resolves workspace packages to `src/` without a build.
 */
export default defineConfig({
  resolve: { conditions: ['@ratchet/source'] },
  ssr: { resolve: { conditions: ['@ratchet/source'] } },
  test: {
    globals: false,
    environment: 'node',
    include: ['src/**/*.spec.ts', 'e2e/**/*.spec.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
