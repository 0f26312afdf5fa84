import { spawn } from 'node:child_process'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { once } from 'node:events'
import { connect } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { testCertificate } from '@wirekit/test-certificates'
import { createConnection, diagnosticsChannels } from '../src/index.ts'
import { Cleanup, portOf, Recorder, serveCollecting } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

/** Echoes, and pauses reading when told. */
class Echo extends Recorder {
  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data)
    this.transport?.write(data)
  }
}

/** Collects what a channel publishes until the test ends. */
function listen(name: string): unknown[] {
  const messages: unknown[] = []
  const listener = (message: unknown): void => {
    messages.push(message)
  }
  subscribe(name, listener)
  cleanup.add(listener, (l) => unsubscribe(name, l))
  return messages
}

describe('server.stats()', () => {
  it('counts accepted, open, bytes both ways (ended connections included) and paused ones', async () => {
    const { server, protocols } = await serveCollecting(cleanup, () => new Echo())
    const port = portOf(server)
    const first = await createConnection(() => new Recorder(), { host: '127.0.0.1', port })
    first.transport.write(Buffer.from('12345'))
    await first.protocol.waitForBytes(5)
    first.transport.close()
    await first.protocol.waitFor('connectionLost')
    await expect.poll(() => server.connectionCount).toBe(0)
    const second = await createConnection(() => new Recorder(), { host: '127.0.0.1', port })
    cleanup.add(second.transport, (t) => {
      t.abort()
    })
    second.transport.write(Buffer.from('abc'))
    await second.protocol.waitForBytes(3)
    protocols[1]?.transport?.pauseReading()
    expect(server.stats()).toEqual({
      open: 1,
      settingUp: 0,
      accepted: 2,
      refused: 0,
      handshakeFailures: 0,
      proxyHeaderFailures: 0,
      bytesReceived: 8,
      bytesSent: 8,
      readingPaused: 1,
      writingPaused: 0,
    })
  })

  it('counts refusals and failed handshakes', async () => {
    const { server } = await serveCollecting(cleanup, () => new Echo(), {
      tls: testCertificate('server'),
      maxConnections: 1,
      onWarning: () => undefined,
    })
    const plain = connect({ host: '127.0.0.1', port: portOf(server) })
    plain.on('error', () => undefined)
    plain.end('not TLS')
    await once(plain, 'close')
    await expect.poll(() => server.stats().handshakeFailures).toBe(1)
    expect(server.stats()).toMatchObject({ accepted: 1, refused: 0, open: 0, settingUp: 0 })
  })
})

describe('diagnostics channels', () => {
  it('publish a connection opened and closed, backpressure, the server listening and closed', async () => {
    const opened = listen(diagnosticsChannels.connectionOpened)
    const closed = listen(diagnosticsChannels.connectionClosed)
    const backpressure = listen(diagnosticsChannels.backpressure)
    const listening = listen(diagnosticsChannels.serverListening)
    const serverClosed = listen(diagnosticsChannels.serverClosed)
    const { server, protocols } = await serveCollecting(cleanup, () => new Echo())
    expect(listening).toEqual([{ server, addresses: server.addresses() }])
    const { transport, protocol } = await createConnection(() => new Recorder(), {
      host: '127.0.0.1',
      port: portOf(server),
    })
    await expect.poll(() => protocols.length).toBe(1)
    // Client and server side both open.
    expect(opened).toHaveLength(2)
    expect(opened).toContainEqual({ transport: protocols[0]?.transport, server })
    expect(opened).toContainEqual({ transport, server: undefined })
    // More than the kernel takes at once, to a peer that does not read: the write stays buffered.
    protocols[0]?.transport?.pauseReading()
    transport.write(new Uint8Array(32 * 1024 * 1024))
    expect(backpressure).toContainEqual({ transport, paused: true })
    transport.abort()
    await protocol.waitFor('connectionLost')
    expect(closed).toEqual([{ transport, server: undefined, error: undefined }])
    server.abortClients()
    await expect.poll(() => closed.length).toBe(2)
    expect(closed).toContainEqual({ transport: protocols[0]?.transport, server, error: undefined })
    server.close()
    expect(serverClosed).toEqual([{ server }])
  })

  it('publish a failed set-up with its stage', async () => {
    const failed = listen(diagnosticsChannels.connectionFailed)
    const { server } = await serveCollecting(cleanup, () => new Echo(), {
      tls: testCertificate('server'),
      onWarning: () => undefined,
    })
    const plain = connect({ host: '127.0.0.1', port: portOf(server) })
    plain.on('error', () => undefined)
    plain.end('not TLS')
    await expect.poll(() => failed.length).toBe(1)
    expect(failed[0]).toMatchObject({
      server,
      stage: 'tls',
      message: expect.stringMatching(/TLS handshake/) as unknown,
    })
  })
})

describe('NODE_DEBUG=wirekit', () => {
  it('logs connections the Node way, and says nothing without it', async () => {
    const fixture = fileURLToPath(new URL('fixtures/echo-server.mjs', import.meta.url))
    const run = async (env: NodeJS.ProcessEnv): Promise<string> => {
      const child = spawn(process.execPath, [fixture], { env, stdio: ['ignore', 'pipe', 'pipe'] })
      cleanup.add(child, (c) => c.kill('SIGKILL'))
      let stderr = ''
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string]
      const socket = connect({ host: '127.0.0.1', port: Number(line) })
      socket.end('hi')
      socket.resume()
      await once(socket, 'close')
      child.kill('SIGTERM')
      await once(child, 'exit')
      return stderr
    }
    const logged = await run({ ...process.env, NODE_DEBUG: 'wirekit' })
    expect(logged).toMatch(/^WIREKIT \d+: server listening on /m)
    expect(logged).toMatch(/^WIREKIT \d+: connection opened with 127\.0\.0\.1 port \d+$/m)
    expect(logged).toMatch(/^WIREKIT \d+: connection with 127\.0\.0\.1 port \d+ closed$/m)
    const quiet = await run({ ...process.env, NODE_DEBUG: '' })
    expect(quiet).not.toMatch(/WIREKIT/)
  })
})
