import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../../vitest.shared.ts'

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // Each file installs and builds a copy of the repository: one at a time on a shared machine.
      fileParallelism: false,
      testTimeout: 240_000,
      hookTimeout: 240_000,
    },
  }),
)
