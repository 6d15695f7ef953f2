import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Each file gets its own process so SQLite files and module state never leak between files.
    pool: 'forks',
    reporters: ['default'],
  },
});
