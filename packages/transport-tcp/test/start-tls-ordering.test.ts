import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { Duplex } from 'node:stream'
import { connect as tlsConnect } from 'node:tls'
import { afterEach, describe, expect, it } from 'vitest'
import { testCertificate } from '@wirekit/test-certificates'
import type { Transport } from '@wirekit/protocol-core'
import { startTls, type TCPExtraInfo } from '../src/index.ts'
import { Cleanup, portOf, Recorder, serveCollecting } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

/** Upgrades on `STARTTLS\r\n`, and notes whether TLS data came before startTls resolved. */
class Upgrading extends Recorder {
  secure: Transport<TCPExtraInfo> | undefined
  upgrading = false
  readonly order: string[] = []
  readonly #early: Uint8Array[] = []

  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data)
    if (this.secure !== undefined) {
      this.order.push('data over TLS')
      this.secure.write(data)
    } else if (this.upgrading) {
      // Kept and echoed once startTls resolves, so that the test ends either way.
      this.order.push('data before startTls resolved')
      this.#early.push(data)
    } else if (this.transport !== undefined) {
      this.upgrading = true
      this.transport.write(Buffer.from('220 ready\r\n'))
      startTls(this.transport, testCertificate('server')).then(
        (secure) => {
          this.order.push('startTls resolved')
          this.secure = secure
          for (const data of this.#early.splice(0)) {
            secure.write(data)
          }
        },
        () => undefined,
      )
    }
  }
}

/**
 * A client-side byte pipe between a TLS socket and the TCP connection that holds what TLS writes
 * after its ClientHello until `release()`, then sends it in one write: the client's Finished and
 * its first data then reach the server in one segment, as they do on a busy server.
 */
function holdingPipe(raw: Socket): { pipe: Duplex; held: () => number; release: () => void } {
  let forwarded = 0
  const held: Buffer[] = []
  const pipe = new Duplex({
    write(chunk: Buffer, _encoding, callback) {
      if (forwarded === 0) {
        forwarded += 1
        raw.write(chunk)
      } else {
        held.push(chunk)
        pipe.emit('held')
      }
      callback()
    },
    read() {
      // Pushed from the raw socket's data events.
    },
  })
  raw.on('data', (chunk: Buffer) => pipe.push(chunk))
  return {
    pipe,
    held: () => held.length,
    release: () => {
      raw.write(Buffer.concat(held.splice(0)))
    },
  }
}

describe('startTls() ordering', () => {
  // CPython's loop.start_tls() hands the first decrypted data to the protocol before it returns
  // the TLS transport (sslproto reads on right after the handshake), so the protocol cannot
  // answer on it: test/fixtures/asyncio-tls-peer.py has to buffer that data. Ours must not.
  it('resolves before the new transport delivers data that came with the end of the handshake', async () => {
    const { server, protocols } = await serveCollecting(cleanup, () => new Upgrading())
    const raw = connect({ host: '127.0.0.1', port: portOf(server) })
    cleanup.add(raw, (s) => s.destroy())
    await once(raw, 'connect')
    raw.write('STARTTLS\r\n')
    await once(raw, 'data') // 220 ready
    const { pipe, held, release } = holdingPipe(raw)
    const secure = tlsConnect({
      socket: pipe,
      ca: testCertificate('ca').cert,
      servername: 'localhost',
    })
    await once(secure, 'secureConnect')
    const before = held() // the client's Finished (TLS 1.3), held
    secure.write('first')
    while (held() === before) {
      await once(pipe, 'held')
    }
    release()
    const [echo] = (await once(secure, 'data')) as [Buffer]
    expect(echo.toString()).toBe('first')
    expect(protocols[0]?.order).toEqual(['startTls resolved', 'data over TLS'])
  })
})
