import { fileURLToPath } from 'node:url'

/**
 * The path of one of this package's built scripts (`raw-echo-server.js`). It is found from the
 * package's root, so it is the same whether the caller runs built (`dist/`) or from its source
 * under vitest (`src/`): the servers and workers always run built.
 */
export function builtScript(name: string): string {
  return fileURLToPath(new URL(`../dist/${name}`, import.meta.url))
}
