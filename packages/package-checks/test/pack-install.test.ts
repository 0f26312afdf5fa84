import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { installPacked, packPublished, type PackedPackage } from './install-packed.ts'
import { publishedPackages, tsc, typeRoots } from './published-packages.ts'

/** An echo over loopback through the public API only; `load` is `import` or `require`. */
const echoProgram = (load: string): string => `
${load}
class Echo extends Protocol {
  dataReceived(data) { this.transport.write(data) }
  eofReceived() { this.transport.writeEof(); return true }
}
class Client extends Protocol {
  received = ''
  connectionMade(transport) {
    super.connectionMade(transport)
    transport.write(new TextEncoder().encode('ping'))
    transport.writeEof()
  }
  dataReceived(data) { this.received += new TextDecoder().decode(data) }
}
async function main() {
  const server = await createServer(() => new Echo(), { host: '127.0.0.1', port: 0 })
  const { protocol } = await createConnection(() => new Client(), { host: '127.0.0.1', port: server.addresses()[0].port })
  server.close()
  await server.waitClosed()
  if (protocol.received !== 'ping' || !isTransport(protocol.transport)) throw new Error('no echo: ' + protocol.received)
  console.log('echo ok')
}
main().catch((error) => { console.error(error); process.exit(1) })
`

const typedConsumer = `
import { Protocol, type Transport, NetworkError } from '@wirekit/protocol-core'
import { createServer, type TCPServerOptions } from '@wirekit/transport-tcp'

class Echo extends Protocol {
  override dataReceived(data: Uint8Array): void {
    this.transport?.write(data)
  }
  override connectionMade(transport: Transport): void {
    super.connectionMade(transport)
    const peer: { address: string; port: number } | string | undefined = transport.getExtraInfo('peername')
    void peer
  }
}
const options: TCPServerOptions = { host: '127.0.0.1', port: 0, maxConnections: 10 }
const server = await createServer(() => new Echo(), options)
const failure: NetworkError | undefined = undefined
void failure
server.close()
`

let consumer = ''
let tarballs = ''
let packed: PackedPackage[] = []

beforeAll(() => {
  tarballs = mkdtempSync(join(tmpdir(), 'wirekit-tarballs-'))
  consumer = mkdtempSync(join(tmpdir(), 'wirekit-consumer-'))
  packed = packPublished(tarballs)
  installPacked(consumer, packed)
})

afterAll(() => {
  rmSync(tarballs, { recursive: true, force: true })
  rmSync(consumer, { recursive: true, force: true })
})

describe('the published packages, packed and installed with npm outside the workspace', () => {
  it('pack every published package (pnpm turns workspace: ranges into versions)', () => {
    const names = publishedPackages().map((p) => p.name)
    expect(names).toEqual(
      expect.arrayContaining(['@wirekit/protocol-core', '@wirekit/transport-tcp']),
    )
    const installed = readdirSync(join(consumer, 'node_modules', '@wirekit')).map(
      (name) => `@wirekit/${name}`,
    )
    expect(installed.sort()).toEqual([...names].sort())
  })

  it('depend on each other by version ranges the packed versions satisfy, never workspace:', () => {
    const versions = new Map(packed.map(({ name, version }) => [name, version]))
    for (const { name } of packed) {
      const manifest = JSON.parse(
        readFileSync(join(consumer, 'node_modules', name, 'package.json'), 'utf8'),
      ) as { dependencies?: Record<string, string> }
      for (const [dependency, range] of Object.entries(manifest.dependencies ?? {})) {
        // What pnpm writes for workspace:^, workspace:~ and workspace:*: the packed version.
        expect(`${name} -> ${dependency}@${range.replace(/^[\^~]/, '')}`).toBe(
          `${name} -> ${dependency}@${versions.get(dependency) ?? 'not published'}`,
        )
      }
    }
  })

  it('run an echo over loopback when imported as ESM', () => {
    writeFileSync(
      join(consumer, 'echo.mjs'),
      echoProgram(
        "import { Protocol, isTransport } from '@wirekit/protocol-core'\nimport { createServer, createConnection } from '@wirekit/transport-tcp'",
      ),
    )
    expect(execFileSync(process.execPath, ['echo.mjs'], { cwd: consumer, encoding: 'utf8' })).toBe(
      'echo ok\n',
    )
  })

  it('run an echo over loopback when required from CommonJS (Node >= 20.19 requires ESM)', () => {
    writeFileSync(
      join(consumer, 'echo.cjs'),
      echoProgram(
        "const { Protocol, isTransport } = require('@wirekit/protocol-core')\nconst { createServer, createConnection } = require('@wirekit/transport-tcp')",
      ),
    )
    const output = execFileSync(process.execPath, ['echo.cjs'], { cwd: consumer, encoding: 'utf8' })
    expect(output).toBe('echo ok\n')
  })

  it('run an echo through an in-memory pair from the installed transport-memory', () => {
    writeFileSync(
      join(consumer, 'memory-echo.mjs'),
      `import { Protocol } from '@wirekit/protocol-core'
import { createMemoryPair } from '@wirekit/transport-memory'
class Echo extends Protocol { dataReceived(data) { this.transport.write(data) } }
class Client extends Protocol {
  received = ''
  connectionMade(transport) { super.connectionMade(transport); transport.write(new TextEncoder().encode('ping')) }
  dataReceived(data) { this.received += new TextDecoder().decode(data) }
}
const pair = createMemoryPair(() => new Client(), () => new Echo(), { rechunk: { seed: 1, maxChunkSize: 1 } })
pair.flush()
console.log(pair.client.protocol.received)
`,
    )
    const output = execFileSync(process.execPath, ['memory-echo.mjs'], {
      cwd: consumer,
      encoding: 'utf8',
    })
    expect(output).toBe('ping\n')
  })

  it('type-check a strict TypeScript consumer against the shipped .d.ts files', () => {
    writeFileSync(join(consumer, 'consumer.mts'), typedConsumer)
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          target: 'es2023',
          strict: true,
          noImplicitOverride: true,
          exactOptionalPropertyTypes: true,
          noEmit: true,
          skipLibCheck: false,
          typeRoots: [typeRoots],
          types: ['node'],
        },
        files: ['consumer.mts'],
      }),
    )
    const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], {
      cwd: consumer,
      encoding: 'utf8',
    })
    expect(result.stdout + result.stderr).toBe('')
    expect(result.status).toBe(0)
  })
})
