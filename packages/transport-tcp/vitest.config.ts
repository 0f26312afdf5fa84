import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../../vitest.shared.ts'

// Every test runs twice: with accepted sockets reading into memory the transport chooses (the
// default where Node allows it) and with Node's public 'data' events (the fallback).
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      projects: [
        { extends: true, test: { name: 'user-buffer reads' } },
        { extends: true, test: { name: 'event reads', env: { WIREKIT_TCP_READS: 'events' } } },
      ],
    },
  }),
)
