import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../../vitest.shared.ts'

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // The hook packs every published package and installs the tarballs with npm, offline
      // (about 10 s on an idle machine); each test runs node or tsc once (a few seconds). Both
      // leave room for a machine busy with the rest of the suite.
      hookTimeout: 120_000,
      testTimeout: 60_000,
    },
  }),
)
