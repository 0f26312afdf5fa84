import { once } from 'node:events'
import { createServer, type TlsOptions, type TLSSocket } from 'node:tls'
import { testCertificate } from '@wirekit/test-certificates'
import { afterEach, describe, expect, it } from 'vitest'
import type { LoadResult } from '../src/load-options.ts'
import { GENERATOR, runToEnd } from './child-processes.ts'

const closers: (() => void)[] = []
afterEach(() => {
  for (const close of closers.splice(0)) {
    close()
  }
})

/**
 * A TLS echo server in the test's process with the test CA's server certificate (or `name`'s),
 * recording what each connection negotiated; `mangle` may change what is echoed.
 */
async function tlsEcho(
  options: TlsOptions = {},
  name: 'server' | 'other-server' = 'server',
  mangle: (chunk: Buffer, total: number) => Buffer = (chunk) => chunk,
) {
  const suites: string[] = []
  const server = createServer({ ...testCertificate(name), ...options }, (socket: TLSSocket) => {
    suites.push(`${socket.getProtocol() ?? ''} ${socket.getCipher().standardName}`)
    let total = 0
    socket.on('data', (chunk: Buffer) => {
      total += chunk.length
      socket.write(mangle(chunk, total))
    })
    socket.on('error', () => undefined) // the generator hangs up when it is done or fails
  })
  server.on('tlsClientError', () => undefined)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  closers.push(() => server.close())
  const address = server.address()
  return { port: typeof address === 'object' && address != null ? address.port : 0, suites }
}

const load = (port: number, ...more: string[]) =>
  runToEnd(process.execPath, [
    GENERATOR,
    ...['--port', String(port), '--tls', '--warmup', '0', '--json'],
    ...['--connections', '3', '--size', '4096'],
    ...more,
  ])

describe('echo-bench --tls', () => {
  it('echoes over TLS 1.3 with the one suite it offers, and says so', async () => {
    const server = await tlsEcho()
    const { code, stdout, stderr } = await load(server.port, '--count', '300')
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const result = JSON.parse(stdout) as LoadResult
    expect(result.requests).toBe(300)
    expect(result.tls).toEqual({ protocol: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384' })
    expect(server.suites).toEqual(Array(3).fill('TLSv1.3 TLS_AES_256_GCM_SHA384'))
  })

  it("costs the generator the same whatever the server prefers: the server's choice is overridden", async () => {
    // This server would pick ChaCha20 first for any client that offers it.
    const server = await tlsEcho({
      ciphers: 'TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384',
      honorCipherOrder: true,
    })
    const { code, stdout } = await load(server.port, '--count', '30')
    expect(code).toBe(0)
    expect((JSON.parse(stdout) as LoadResult).tls?.cipher).toBe('TLS_AES_256_GCM_SHA384')
    expect(new Set(server.suites)).toEqual(new Set(['TLSv1.3 TLS_AES_256_GCM_SHA384']))
  })

  it('fails, without a figure, against a server that cannot do TLS 1.3', async () => {
    const server = await tlsEcho({ maxVersion: 'TLSv1.2' })
    const { code, stdout, stderr } = await load(server.port, '--count', '30')
    expect(code).toBe(1)
    expect(stdout).toBe('')
    expect(stderr).toMatch(/^error: connection error: .*(version|protocol)/i)
  })

  it('verifies the server: a certificate from another CA fails the run', async () => {
    const server = await tlsEcho({}, 'other-server')
    const { code, stderr } = await load(server.port, '--count', '30')
    expect(code).toBe(1)
    expect(stderr).toMatch(/^error: connection error: .*(certificate|issuer)/i)
  })

  it('checks every echo byte for byte through TLS', async () => {
    const server = await tlsEcho({}, 'server', (chunk, total) => {
      const copy = Buffer.from(chunk)
      if (total > 40_000) {
        copy[0] = (copy[0] ?? 0) ^ 0xff
      }
      return copy
    })
    const { code, stderr } = await load(server.port, '--count', '300')
    expect(code).toBe(1)
    expect(stderr).toMatch(/^error: echo mismatch at byte \d+ of a 4096-byte message\n$/)
  })

  it('refuses a CA file it cannot read, with one line', async () => {
    const { code, stderr } = await load(1, '--tls-ca', '/nonexistent/ca.pem', '--count', '1')
    expect(code).toBe(1)
    expect(stderr).toMatch(/^error: cannot read the CA file \/nonexistent\/ca\.pem: /)
  })
})
