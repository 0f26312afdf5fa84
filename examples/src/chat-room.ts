import { LineProtocol, type FrameTooLongError } from '@wirekit/framing'

const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** Lines as the chat sends them: `\n`-terminated, at most 1 KiB, longer ones end the connection. */
export const CHAT_LINES = { delimiter: '\n', maxLength: 1024, onTooLong: 'close' } as const

/** The people connected, each a {@link ChatMember}. */
export class ChatRoom {
  readonly #members = new Set<ChatMember>()

  /** Welcomes `member` and tells the others. */
  join(member: ChatMember, name: string): void {
    this.#members.add(member)
    member.say(`* welcome, ${name}: ${this.#members.size} here`)
    this.#tellOthers(member, `* ${name} joined`)
  }

  /** Forgets `member` and tells the others. */
  leave(member: ChatMember, name: string): void {
    if (this.#members.delete(member)) {
      this.#tellOthers(member, `* ${name} left`)
    }
  }

  /** Sends what `name` said to everyone else. */
  say(member: ChatMember, name: string, text: string): void {
    this.#tellOthers(member, `${name}: ${text}`)
  }

  #tellOthers(member: ChatMember, line: string): void {
    for (const other of this.#members) {
      if (other !== member) {
        other.say(line)
      }
    }
  }
}

/**
 * One connection to the chat server: its first line is the name, each later line goes to the
 * others as `name: text`. A line over 1 KiB (a peer that never sends a newline, say) ends the
 * connection instead of growing a buffer.
 */
export class ChatMember extends LineProtocol {
  readonly #room: ChatRoom
  #name: string | undefined

  constructor(room: ChatRoom) {
    super(CHAT_LINES)
    this.#room = room
  }

  /** Sends one line to this member. */
  say(line: string): void {
    this.sendLine(encoder.encode(line))
  }

  override lineReceived(line: Uint8Array): void {
    const text = decoder.decode(line).replace(/\r$/, '') // netcat on Windows, telnet: CRLF
    if (this.#name !== undefined) {
      this.#room.say(this, this.#name, text)
    } else if (text.trim() !== '') {
      this.#name = text.trim()
      this.#room.join(this, this.#name)
    }
  }

  override lineTooLong(error: FrameTooLongError): void {
    process.stderr.write(`chat: ${this.#name ?? 'a newcomer'}: ${error.message}, disconnected\n`)
  }

  override connectionLost(error: Error | undefined): void {
    if (this.#name !== undefined) {
      this.#room.leave(this, this.#name)
    }
    super.connectionLost(error)
  }
}
