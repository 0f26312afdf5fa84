import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startProcess } from '@wirekit/app-support/testing'
import { cleanEnv } from './throwaway-copy.ts'

/** A running Verdaccio registry and a user that may publish to it. */
export interface Registry {
  /** `http://127.0.0.1:PORT/` */
  readonly url: string
  /** An auth token of a user that may publish. */
  readonly token: string
  /** Stops the registry; its storage stays in the folder given to {@link startRegistry}. */
  stop(): Promise<void>
}

/**
 * The registry's configuration: storage and users in `folder`, every package readable, publishing
 * for logged-in users, and no uplinks, so it never asks another registry for anything. The web UI
 * and the audit middleware (which forwards `npm audit` to the public registry) are not loaded.
 */
function config(folder: string): string {
  return `storage: ${JSON.stringify(join(folder, 'storage'))}
auth:
  htpasswd:
    file: ${JSON.stringify(join(folder, 'htpasswd'))}
    max_users: 1
uplinks: {}
packages:
  '**':
    access: $all
    publish: $authenticated
web:
  enable: false
log: { type: stdout, format: pretty, level: warn }
`
}

// Runs in a child process (Verdaccio is CommonJS and would keep this test process busy): starts
// the server on 127.0.0.1, port 0, and prints the port it got.
const serverScript = `
import { runServer } from 'verdaccio'
const server = await runServer(process.argv[1])
server.listen(0, '127.0.0.1', () => {
  process.stdout.write('verdaccio listening on port ' + server.address().port + '\\n')
})
`

/** This package's folder, where `verdaccio` resolves. */
const packageDir = fileURLToPath(new URL('../', import.meta.url))

/**
 * Starts Verdaccio with a throwaway storage in `folder` on 127.0.0.1 (a port the system picks)
 * and registers a user through the registry API, as `npm adduser` does.
 */
export async function startRegistry(folder: string): Promise<Registry> {
  mkdirSync(folder, { recursive: true })
  const configFile = join(folder, 'config.yaml')
  writeFileSync(configFile, config(folder))
  const server = startProcess(
    process.execPath,
    ['--input-type=module', '-e', serverScript, configFile],
    undefined,
    { cwd: packageDir, env: cleanEnv() },
  )
  const port = await server.waitForStdout(/verdaccio listening on port (\d+)/)
  const url = `http://127.0.0.1:${port}/`
  const name = 'repo-checks'
  const response = await fetch(new URL(`-/user/org.couchdb.user:${name}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: 'repo-checks-password' }),
  })
  const body = (await response.json()) as { token?: string }
  if (!response.ok || body.token === undefined) {
    server.kill()
    throw new Error(`Verdaccio refused the user: ${response.status} ${JSON.stringify(body)}`)
  }
  return {
    url,
    token: body.token,
    stop: async () => {
      server.kill('SIGTERM')
      await server.finished
    },
  }
}
