import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../../vitest.shared.ts'

// Packing and installing with npm takes a while on a busy machine.
export default mergeConfig(shared, defineConfig({ test: { testTimeout: 180_000 } }))
