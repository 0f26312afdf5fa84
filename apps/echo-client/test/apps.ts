import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The built client, and the built server it talks to, run as users run them. */
export const clientBin = fileURLToPath(new URL('../dist/main.js', import.meta.url))
export const serverBin = join(
  dirname(createRequire(import.meta.url).resolve('@wirekit/echo-server/package.json')),
  'dist/main.js',
)

export {
  runNode,
  startProcess,
  type Finished,
  type StartedProcess,
} from '@wirekit/app-support/testing'
