import type { Transport } from '@wirekit/protocol-core'
import { startTls, type StartTLSOptions, type TCPExtraInfo } from '../src/index.ts'
import { Recorder } from './helpers.ts'

/** How a {@link StartTLSLineServer} greets and answers. */
export interface StartTLSLineServerOptions {
  /** The server's TLS options for `startTls`. */
  readonly tls: StartTLSOptions
  /** A line sent on connection (SMTP's `220 ... ESMTP` banner), or none. */
  readonly banner?: string
  /** The answer to `STARTTLS`, sent in plaintext before the upgrade. */
  readonly ready: string
}

/**
 * A wirekit server protocol for STARTTLS interop, in the shape of SMTP's, on raw bytes (CRLF
 * lines, no framing package): an optional banner, `EHLO` answered with a 250 list that offers
 * STARTTLS, `STARTTLS` answered with `ready` and an upgrade (`startTls` with what was read past the
 * command as read-ahead), then an echo over TLS. Anything else gets a 500.
 */
export class StartTLSLineServer extends Recorder {
  /** The plaintext commands received, in order. */
  readonly commands: string[] = []
  /** How many bytes came after `STARTTLS\r\n` in the same read (handed to the TLS engine). */
  readAheadSize: number | undefined
  /** The upgrade, once `STARTTLS` came. */
  upgraded: Promise<Transport<TCPExtraInfo>> | undefined
  /** The TLS transport, once the handshake is done. */
  secure: Transport<TCPExtraInfo> | undefined
  /** What was received over TLS (and echoed). */
  readonly overTLS: Buffer[] = []
  readonly #options: StartTLSLineServerOptions
  #plaintext = ''

  constructor(options: StartTLSLineServerOptions) {
    super()
    this.#options = options
  }

  override connectionMade(transport: Transport): void {
    super.connectionMade(transport)
    if (this.#options.banner !== undefined) {
      this.#send(this.#options.banner)
    }
  }

  override dataReceived(data: Uint8Array): void {
    super.dataReceived(data)
    if (this.secure !== undefined) {
      this.overTLS.push(Buffer.from(data))
      this.secure.write(data)
      return
    }
    // Nothing comes between the upgrade and its promise: startTls resolves before the new
    // transport delivers (a protocol can always answer). Were it otherwise, the echo would be lost.
    this.#plaintext += Buffer.from(data).toString('latin1')
    let end = this.#plaintext.indexOf('\r\n')
    while (end >= 0 && this.upgraded === undefined) {
      const line = this.#plaintext.slice(0, end)
      this.#plaintext = this.#plaintext.slice(end + 2)
      this.#command(line)
      end = this.#plaintext.indexOf('\r\n')
    }
  }

  #command(line: string): void {
    this.commands.push(line)
    const verb = line.split(' ', 1)[0]?.toUpperCase()
    if (verb === 'EHLO') {
      this.#send('250-localhost greets you', '250 STARTTLS')
    } else if (verb === 'STARTTLS' && this.transport !== undefined) {
      this.#send(this.#options.ready)
      const readAhead = Buffer.from(this.#plaintext, 'latin1')
      this.readAheadSize = readAhead.byteLength
      this.#plaintext = ''
      this.upgraded = startTls(this.transport, { ...this.#options.tls, readAhead })
      this.upgraded.then(
        (secure) => {
          this.secure = secure
        },
        () => undefined, // connectionLost has the error
      )
    } else {
      this.#send('500 unknown command')
    }
  }

  #send(...lines: string[]): void {
    this.transport?.write(Buffer.from(lines.map((line) => `${line}\r\n`).join(''), 'latin1'))
  }
}
