import { defineConfig } from 'vitest/config'

/** Settings every package's vitest.config.ts merges in. */
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Loopback tests open real sockets; a stray handle must fail loudly, not hang CI.
    teardownTimeout: 10_000,
    restoreMocks: true,
  },
})
