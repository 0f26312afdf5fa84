import { LineProtocol } from '@wirekit/framing'
import { CHAT_LINES } from './chat-room.ts'

/**
 * A chat client for scripts: it sends lines and hands over the lines it receives one at a time,
 * in order, with {@link ChatClient.next}.
 */
export class ChatClient extends LineProtocol {
  readonly #received: string[] = []
  readonly #waiting: ((line: string) => void)[] = []
  readonly #decoder = new TextDecoder()
  readonly #encoder = new TextEncoder()

  constructor() {
    super(CHAT_LINES)
  }

  /** Sends one line. */
  send(text: string): void {
    this.sendLine(this.#encoder.encode(text))
  }

  /** The next line received (at once if one is waiting). */
  next(): Promise<string> {
    const line = this.#received.shift()
    return line !== undefined
      ? Promise.resolve(line)
      : new Promise((resolve) => this.#waiting.push(resolve))
  }

  override lineReceived(line: Uint8Array): void {
    const text = this.#decoder.decode(line)
    const waiter = this.#waiting.shift()
    if (waiter === undefined) {
      this.#received.push(text)
    } else {
      waiter(text)
    }
  }
}
