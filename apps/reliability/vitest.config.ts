import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../../vitest.shared.ts'

export default mergeConfig(
  shared,
  defineConfig({
    test: {
      // Each file measures a server's memory and descriptors: running files side by side on a
      // shared machine would make the figures lie, so they run one after the other.
      fileParallelism: false,
      testTimeout: 180_000,
      hookTimeout: 30_000,
    },
  }),
)
