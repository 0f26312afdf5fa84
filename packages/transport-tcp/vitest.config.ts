import { defineConfig, mergeConfig } from 'vitest/config'
import shared from '../../vitest.shared.ts'

// Every test runs twice: once on the fast paths, where Node allows them (accepted sockets read
// into memory the transport chooses; plain sockets write straight to the descriptor when nothing
// is queued), and once on the public fallbacks (Node's 'data' events, and every write through the
// socket's stream). The fallbacks share one project so that the suite runs twice, not four times.
export default mergeConfig(
  shared,
  defineConfig({
    test: {
      projects: [
        { extends: true, test: { name: 'fast paths' } },
        {
          extends: true,
          test: {
            name: 'public paths',
            env: { WIREKIT_TCP_READS: 'events', WIREKIT_TCP_WRITES: 'stream' },
          },
        },
      ],
    },
  }),
)
