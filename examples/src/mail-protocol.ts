import { LineProtocol } from '@wirekit/framing'
import type { Transport } from '@wirekit/protocol-core'
import { startTls, type TLSServerOptions } from '@wirekit/transport-tcp'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * The server side of a tiny SMTP-like dialogue: `220` greeting, `EHLO` (offering STARTTLS until the
 * connection is secure), `STARTTLS`, `NOOP`, `QUIT`; anything else gets `502`.
 */
export class MailServer extends LineProtocol {
  readonly #tls: TLSServerOptions
  #secure = false

  /** @param tls - The certificate and key to upgrade with. */
  constructor(tls: TLSServerOptions) {
    super({ maxLength: 998 }) // RFC 5321's longest line
    this.#tls = tls
  }

  override connectionMade(transport: Transport): void {
    super.connectionMade(transport)
    this.#send('220 wirekit ESMTP ready')
  }

  override lineReceived(line: Uint8Array): void {
    const [verb = ''] = decoder.decode(line).split(' ')
    switch (verb.toUpperCase()) {
      case 'EHLO':
        this.#send(this.#secure ? '250 wirekit' : '250-wirekit')
        if (!this.#secure) {
          this.#send('250 STARTTLS')
        }
        break
      case 'STARTTLS':
        this.#startTls()
        break
      case 'NOOP':
        this.#send('250 OK')
        break
      case 'QUIT':
        this.#send('221 Bye')
        this.transport?.close()
        break
      default:
        this.#send('502 Command not implemented')
    }
  }

  #startTls(): void {
    const transport = this.transport
    if (this.#secure || transport === undefined) {
      this.#send('503 TLS already active')
      return
    }
    this.#send('220 Ready to start TLS')
    // Bytes the client sent behind the command belong to its TLS handshake, not to this protocol.
    const readAhead = this.clearBuffer()
    startTls(transport, { ...this.#tls, readAhead }).then(
      (secure) => {
        this.transport = secure
        this.#secure = true
      },
      () => {
        // connectionLost has the handshake's error.
      },
    )
  }

  #send(line: string): void {
    this.sendLine(encoder.encode(line))
  }
}

/**
 * The client side: sends lines and hands over each reply, a reply being the lines up to the one
 * whose code is followed by a space (`250-...` continues, `250 ...` ends it).
 */
export class MailClient extends LineProtocol {
  /** Resolves once the connection is lost. */
  readonly closed: Promise<void>
  readonly #lines: string[] = []
  #waiter: (() => void) | undefined
  #resolveClosed: () => void = () => undefined

  constructor() {
    super()
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve
    })
  }

  /** Sends one command. */
  send(line: string): void {
    this.sendLine(encoder.encode(line))
  }

  /** The next reply, all its lines. */
  async reply(): Promise<string[]> {
    const reply: string[] = []
    for (;;) {
      const line = this.#lines.shift()
      if (line === undefined) {
        await new Promise<void>((resolve) => {
          this.#waiter = resolve
        })
        continue
      }
      reply.push(line)
      if (line.charAt(3) !== '-') {
        return reply
      }
    }
  }

  override lineReceived(line: Uint8Array): void {
    this.#lines.push(decoder.decode(line))
    const waiter = this.#waiter
    this.#waiter = undefined
    waiter?.()
  }

  override connectionLost(error: Error | undefined): void {
    super.connectionLost(error)
    this.#resolveClosed()
  }
}
