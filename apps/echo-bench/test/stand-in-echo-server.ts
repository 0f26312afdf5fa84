import { writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const resolve = (name: string): string =>
  pathToFileURL(createRequire(import.meta.url).resolve(name)).href

/**
 * Writes a stand-in for an `echo-server` that already has the flags of issue 14 (`--workers N`
 * over node:cluster, `--proxy-protocol --trusted-proxy ADDRESS` over transport-tcp's
 * `proxyProtocol`), so that the bench's comparisons for them can be run before the real flags
 * land. It prints its port like `echo-server` and lists its flags in `--help`.
 * @returns Its path, to give `pnpm bench --echo-server`.
 */
export function writeStandInEchoServer(folder: string): string {
  const path = join(folder, 'stand-in-echo-server.mjs')
  writeFileSync(
    path,
    `import cluster from 'node:cluster'
import { createServer as probe } from 'node:net'
import { parseArgs } from 'node:util'
import { Protocol } from '${resolve('@wirekit/protocol-core')}'
import { createServer } from '${resolve('@wirekit/transport-tcp')}'

const { values } = parseArgs({
  options: {
    host: { type: 'string' }, port: { type: 'string' }, 'log-level': { type: 'string' },
    workers: { type: 'string' }, 'proxy-protocol': { type: 'boolean' },
    'trusted-proxy': { type: 'string' }, help: { type: 'boolean' },
  },
})
if (values.help) {
  console.log('usage: echo-server --host HOST --port PORT --log-level LEVEL --workers N --proxy-protocol --trusted-proxy ADDRESS')
  process.exit(0)
}
class Echo extends Protocol {
  dataReceived(data) { this.transport.write(data) }
  eofReceived() { this.transport.writeEof(); return true }
}
const trusted = values['trusted-proxy']
const options = {
  host: '127.0.0.1',
  ...(values['proxy-protocol'] ? { proxyProtocol: { trusted: (address) => address === trusted } } : {}),
}
const workers = Number(values.workers ?? '1')
const say = (port) => process.stderr.write('main: starting up on 127.0.0.1 port ' + port + '\\n')
if (cluster.isPrimary && workers > 1) {
  const port = await new Promise((done) => {
    const free = probe().listen(0, '127.0.0.1', () => {
      const { port } = free.address()
      free.close(() => done(port))
    })
  })
  let listening = 0
  cluster.on('listening', () => {
    listening += 1
    if (listening === workers) say(port)
  })
  for (let i = 0; i < workers; i++) cluster.fork({ STAND_IN_PORT: String(port) })
} else {
  const server = await createServer(() => new Echo(), { ...options, port: Number(process.env.STAND_IN_PORT ?? 0) })
  if (cluster.isPrimary) say(server.addresses()[0].port)
}
`,
  )
  return path
}
