import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { connect as tlsConnect, type TLSSocket } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { testCertificate } from '@wirekit/test-certificates'
import type { Transport } from '@wirekit/protocol-core'
import {
  createConnection,
  startTls,
  TLSHandshakeError,
  type StartTLSOptions,
  type TCPExtraInfo,
} from '../src/index.ts'
import { Cleanup, portOf, Recorder, serveCollecting } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

const ca = testCertificate('ca').cert
const serverTLS: StartTLSOptions = testCertificate('server')
const COMMAND = 'STARTTLS\r\n'

/**
 * A plaintext protocol that upgrades on `STARTTLS\r\n`: it answers `reply` (or nothing), then
 * starts TLS with what it read past the command as read-ahead, and echoes over TLS.
 */
class UpgradingServer extends Recorder {
  plaintext = ''
  upgraded: Promise<Transport<TCPExtraInfo>> | undefined
  secure: Transport<TCPExtraInfo> | undefined
  readonly reply: string | undefined

  constructor(reply?: string) {
    super()
    this.reply = reply
  }

  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data)
    if (this.secure !== undefined) {
      this.secure.write(data)
      return
    }
    this.plaintext += Buffer.from(data).toString('latin1')
    const end = this.plaintext.indexOf(COMMAND)
    if (end < 0 || this.upgraded !== undefined) {
      return
    }
    const readAhead = Buffer.from(this.plaintext.slice(end + COMMAND.length), 'latin1')
    const transport = this.transport
    if (transport === undefined) {
      return
    }
    if (this.reply !== undefined) {
      transport.write(Buffer.from(this.reply))
    }
    this.upgraded = startTls(transport, { ...serverTLS, readAhead })
    this.upgraded.then(
      (secure) => {
        this.secure = secure
      },
      () => undefined,
    )
  }
}

/** A raw client that sends the command and its ClientHello in one write, as a pipelining client may. */
async function pipeliningClient(port: number): Promise<TLSSocket> {
  const raw = connect({ host: '127.0.0.1', port })
  cleanup.add(raw, (s) => s.destroy())
  await once(raw, 'connect')
  raw.cork()
  raw.write(COMMAND)
  const secure = tlsConnect({ socket: raw, ca, servername: 'localhost' })
  // The ClientHello is written in this tick; uncorking after it sends both in one segment.
  process.nextTick(() => raw.uncork())
  await once(secure, 'secureConnect')
  return secure
}

function readSome(socket: Socket, size: number): Promise<string> {
  return new Promise((resolve) => {
    let text = ''
    const onData = (chunk: Buffer): void => {
      text += chunk.toString('latin1')
      if (text.length >= size) {
        socket.off('data', onData)
        resolve(text)
      }
    }
    socket.on('data', onData)
  })
}

describe('startTls()', () => {
  it('hands bytes read past the command (the ClientHello) to the TLS engine: the handshake works', async () => {
    const { server, protocols } = await serveCollecting(cleanup, () => new UpgradingServer())
    const secure = await pipeliningClient(portOf(server))
    // The command and the ClientHello arrived in one read: the read-ahead was not lost.
    const [upgrading] = protocols
    expect(upgrading?.events.filter((e) => e.name === 'dataReceived')).toHaveLength(1)
    secure.write('over TLS')
    expect(await readSome(secure, 8)).toBe('over TLS')
    expect(upgrading?.names.filter((name) => name === 'connectionMade')).toHaveLength(1)
    expect(upgrading?.secure?.getExtraInfo('tlsProtocol')).toBe('TLSv1.3')
    expect(server.connectionCount).toBe(1)
  })

  it('sends what was written before the upgrade first, in plaintext', async () => {
    const { server } = await serveCollecting(cleanup, () => new UpgradingServer('220 ready\r\n'))
    const raw = connect({ host: '127.0.0.1', port: portOf(server) })
    cleanup.add(raw, (s) => s.destroy())
    await once(raw, 'connect')
    raw.write(COMMAND)
    expect(await readSome(raw, 11)).toBe('220 ready\r\n')
    const secure = tlsConnect({ socket: raw, ca, servername: 'localhost' })
    await once(secure, 'secureConnect')
    secure.write('ping')
    expect(await readSome(secure, 4)).toBe('ping')
  })

  it('upgrades both ends of a wirekit connection; the old transports are closing and drop writes', async () => {
    const { server, protocols } = await serveCollecting(
      cleanup,
      () => new UpgradingServer('220 ready\r\n'),
    )
    const warnings: string[] = []
    const { transport, protocol } = await createConnection(() => new Recorder(), {
      host: '127.0.0.1',
      port: portOf(server),
      onWarning: (message) => warnings.push(message),
    })
    cleanup.add(transport, (t) => {
      t.abort()
    })
    transport.write(Buffer.from(COMMAND))
    await protocol.waitForBytes(11)
    expect(protocol.received.toString()).toBe('220 ready\r\n')
    const secure = await startTls(transport, { ca, servername: 'localhost' })
    expect(transport.isClosing()).toBe(true)
    for (let i = 0; i < 5; i += 1) {
      transport.write(Buffer.from('dropped'))
    }
    expect(warnings).toHaveLength(1)
    secure.write(Buffer.from('echo me'))
    await protocol.waitForBytes(11 + 7)
    expect(protocol.received.toString()).toBe('220 ready\r\necho me')
    expect(protocol.names.filter((name) => name === 'connectionMade')).toHaveLength(1)
    expect(secure.getExtraInfo('authorized')).toBe(true)
    secure.close()
    await protocol.waitFor('connectionLost')
    expect(protocol.lostError).toBeUndefined()
    await protocols[0]?.waitFor('connectionLost')
    expect(protocols[0]?.names.filter((name) => name === 'connectionLost')).toHaveLength(1)
    server.close()
    await server.waitClosed()
  })

  it('rejects with a TLSHandshakeError when the server is not trusted; connectionLost gets it once', async () => {
    const { server } = await serveCollecting(cleanup, () => new UpgradingServer('220 ready\r\n'))
    const { transport, protocol } = await createConnection(() => new Recorder(), {
      host: '127.0.0.1',
      port: portOf(server),
    })
    cleanup.add(transport, (t) => {
      t.abort()
    })
    transport.write(Buffer.from(COMMAND))
    await protocol.waitForBytes(11)
    const attempt = startTls(transport, {
      ca: testCertificate('other-ca').cert,
      servername: 'localhost',
    })
    await expect(attempt).rejects.toBeInstanceOf(TLSHandshakeError)
    await expect(attempt).rejects.toMatchObject({ code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' })
    await protocol.waitFor('connectionLost')
    expect(protocol.lostError).toBeInstanceOf(TLSHandshakeError)
    expect(protocol.names.filter((name) => name === 'connectionLost')).toHaveLength(1)
  })

  it('leaves the connection untouched on bad options or a closing transport', async () => {
    const { server } = await serveCollecting(cleanup, () => new UpgradingServer())
    const { transport, protocol } = await createConnection(() => new Recorder(), {
      host: '127.0.0.1',
      port: portOf(server),
    })
    cleanup.add(transport, (t) => {
      t.abort()
    })
    await expect(startTls(transport, { serverSide: true })).rejects.toThrow(
      /option tls needs the server certificate/,
    )
    expect(transport.isClosing()).toBe(false)
    transport.close()
    await expect(startTls(transport, { ca })).rejects.toMatchObject({
      code: 'ERR_TRANSPORT_CLOSING',
    })
    await protocol.waitFor('connectionLost')
    expect(protocol.lostError).toBeUndefined()
  })

  it('refuses a transport it did not make', async () => {
    const fake = { isClosing: () => false } as unknown as Transport
    await expect(startTls(fake, serverTLS)).rejects.toThrow(TypeError)
  })
})
