import { readFileSync } from 'node:fs'

/**
 * The name (without its scope) and version of the package whose `package.json` is at `url`,
 * as `--version` prints them: `echo-server 0.0.0`.
 * @example
 * ```ts
 * process.stdout.write(`${versionLine(new URL('../package.json', import.meta.url))}\n`)
 * ```
 */
export function versionLine(url: URL): string {
  const manifest = JSON.parse(readFileSync(url, 'utf8')) as { name?: unknown; version?: unknown }
  const name = typeof manifest.name === 'string' ? manifest.name.replace(/^@[^/]+\//, '') : '?'
  const version = typeof manifest.version === 'string' ? manifest.version : '?'
  return `${name} ${version}`
}
