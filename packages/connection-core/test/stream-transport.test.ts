import { describe, expect, it } from 'vitest'
import {
  BufferedProtocol,
  Protocol,
  ProtocolCallbackError,
  isTransport,
  WriteAfterEofError,
  type AnyProtocol,
} from '@wirekit/protocol-core'
import { StreamTransport } from '../src/index.ts'

/**
 * The core over I/O that a test drives by hand: it records what the core asks of it, and the
 * test reports I/O events through the same protected methods a real transport uses.
 */
class ScriptedTransport extends StreamTransport {
  readonly io: string[] = []
  readonly errors: Error[] = []
  readonly warnings: string[] = []
  buffered = 0
  extra: Record<string, unknown> = {}

  constructor(protocol: AnyProtocol) {
    super(protocol, {
      onError: (error) => this.errors.push(error),
      onWarning: (message) => this.warnings.push(message),
      peer: 'test peer',
    })
  }

  protected ioStartReading(): void {
    this.io.push('startReading')
  }
  protected ioStopReading(): void {
    this.io.push('stopReading')
  }
  protected ioWrite(data: Uint8Array): void {
    this.io.push(`write ${data.byteLength}`)
    this.buffered += data.byteLength
  }
  protected ioWriteAll(chunks: readonly Uint8Array[]): void {
    this.io.push(`writeAll ${chunks.length}`)
    for (const chunk of chunks) {
      this.buffered += chunk.byteLength
    }
  }
  protected ioWriteBufferSize(): number {
    return this.buffered
  }
  protected ioWriteEof(): void {
    this.io.push('writeEof')
  }
  protected ioClose(): void {
    this.io.push('close')
  }
  protected ioAbort(): void {
    this.io.push('abort')
  }
  protected ioExtraInfo(name: string): unknown {
    return this.extra[name]
  }

  // The I/O events, made public for the test.
  bytes(text: string): void {
    this.receive(new TextEncoder().encode(text))
  }
  eof(): void {
    this.receiveEof()
  }
  sent(count: number): void {
    this.buffered -= count
    this.writeProgress()
  }
  nextRead(scratch: Uint8Array): Uint8Array {
    return this.readBuffer(scratch)
  }
  landed(text: string, buffer: Uint8Array): boolean {
    buffer.set(new TextEncoder().encode(text))
    return this.readLanded(text.length, buffer)
  }
  failWith(error: Error): void {
    this.fail(error)
  }
  over(): void {
    this.finish()
  }
}

/** A streaming protocol that logs every callback as a line. */
class Log extends Protocol {
  readonly log: string[] = []
  onData: ((data: Uint8Array) => void) | undefined
  keepOpen = false

  override connectionMade(transport: StreamTransport): void {
    super.connectionMade(transport)
    this.log.push('made')
  }
  override dataReceived(data: Uint8Array): void {
    this.log.push(`data ${new TextDecoder().decode(data)}`)
    this.onData?.(data)
  }
  override eofReceived(): boolean {
    this.log.push('eof')
    return this.keepOpen
  }
  override connectionLost(error: Error | undefined): void {
    this.log.push(`lost ${error?.name ?? 'clean'}`)
  }
  override pauseWriting(): void {
    this.log.push('pause')
  }
  override resumeWriting(): void {
    this.log.push('resume')
  }
}

/** A buffered protocol with memory of its own, logging its calls. */
class Memory extends BufferedProtocol {
  readonly log: string[] = []
  memory = new Uint8Array(16)
  offset = 0

  override getBuffer(sizeHint: number): Uint8Array {
    this.log.push(`get ${sizeHint}`)
    return this.memory.subarray(this.offset)
  }
  override bufferUpdated(nbytes: number): void {
    const view = this.memory.subarray(this.offset, this.offset + nbytes)
    this.log.push(`updated ${new TextDecoder().decode(view)}`)
  }
}

const microtasks = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

describe('StreamTransport', () => {
  it('calls connectionMade, then starts reading; a protocol that pauses there is not read', () => {
    const protocol = new Log()
    const transport = new ScriptedTransport(protocol)
    transport.start()
    expect(protocol.log).toEqual(['made'])
    expect(transport.io).toEqual(['startReading'])

    const paused = new Protocol()
    paused.connectionMade = (t) => {
      t.pauseReading()
    }
    const other = new ScriptedTransport(paused)
    other.start()
    expect(other.io).toEqual(['stopReading'])
  })

  it('holds data that comes before connectionMade, and delivers it after, outside start()', async () => {
    const protocol = new Log()
    const transport = new ScriptedTransport(protocol)
    transport.bytes('early')
    transport.start()
    expect(protocol.log).toEqual(['made'])
    await microtasks()
    expect(protocol.log).toEqual(['made', 'data early'])
    expect(transport.io).toEqual(['startReading'])
  })

  it('holds what arrives while paused; resumeReading delivers it later, in order, then reads', async () => {
    const protocol = new Log()
    const transport = new ScriptedTransport(protocol)
    transport.start()
    transport.pauseReading()
    transport.bytes('one')
    transport.bytes('two')
    transport.eof()
    transport.resumeReading()
    expect(protocol.log).toEqual(['made'])
    await microtasks()
    expect(protocol.log).toEqual(['made', 'data one', 'data two', 'eof'])
    // The I/O read again only after the held data, and not at all once the EOF closed it.
    expect(transport.io).toEqual(['startReading', 'stopReading', 'close'])
  })

  it('stops delivering held data when the protocol pauses again', async () => {
    const protocol = new Log()
    const transport = new ScriptedTransport(protocol)
    transport.start()
    transport.pauseReading()
    transport.bytes('one')
    transport.bytes('two')
    protocol.onData = () => {
      transport.pauseReading()
    }
    transport.resumeReading()
    await microtasks()
    expect(protocol.log).toEqual(['made', 'data one'])
    protocol.onData = undefined
    transport.resumeReading()
    await microtasks()
    expect(protocol.log).toEqual(['made', 'data one', 'data two'])
    expect(transport.io.at(-1)).toBe('startReading')
  })

  it('calls connectionLost once, and never inside a callback', () => {
    const protocol = new Log()
    const transport = new ScriptedTransport(protocol)
    transport.start()
    protocol.onData = () => {
      transport.abort()
      transport.over() // an I/O that reports the end at once
      protocol.log.push('callback returns')
    }
    transport.bytes('x')
    transport.over()
    expect(protocol.log).toEqual(['made', 'data x', 'callback returns', 'lost clean'])
  })

  it('aborts on a callback error and passes it to connectionLost', () => {
    const protocol = new Log()
    const transport = new ScriptedTransport(protocol)
    transport.start()
    protocol.onData = () => {
      throw new Error('boom')
    }
    transport.bytes('x')
    expect(transport.io).toContain('abort')
    transport.over()
    expect(protocol.log.at(-1)).toBe('lost ProtocolCallbackError')
    expect(transport.errors).toHaveLength(1)
    expect(transport.errors[0]).toBeInstanceOf(ProtocolCallbackError)
  })

  it('allows abort() after close(), once; drops writes after a close, warning once', () => {
    const transport = new ScriptedTransport(new Log())
    transport.start()
    transport.close()
    transport.close()
    transport.abort()
    transport.abort()
    expect(transport.io).toEqual(['startReading', 'close', 'abort'])
    for (let i = 0; i < 7; i += 1) {
      transport.write(Uint8Array.of(1))
    }
    expect(transport.io).not.toContain('write 1')
    expect(transport.warnings).toHaveLength(1)
  })

  it('throws WriteAfterEofError after writeEof(), and pauses and resumes from the I/O buffer size', () => {
    const protocol = new Log()
    const transport = new ScriptedTransport(protocol)
    transport.start()
    transport.setWriteBufferLimits({ high: 10, low: 5 })
    transport.write(new Uint8Array(11))
    expect(protocol.log).toEqual(['made', 'pause'])
    transport.sent(6)
    expect(protocol.log).toEqual(['made', 'pause', 'resume'])
    transport.writeEof()
    expect(() => {
      transport.write(Uint8Array.of(1))
    }).toThrow(WriteAfterEofError)
  })

  it('pauses above the default high-water mark (64 KiB) with no call about limits, resumes at 16 KiB', () => {
    const protocol = new Log()
    const transport = new ScriptedTransport(protocol)
    transport.start()
    transport.write(new Uint8Array(65536))
    expect(transport.isWritingPaused()).toBe(false)
    transport.write(Uint8Array.of(1))
    expect(protocol.log).toEqual(['made', 'pause'])
    expect(transport.isWritingPaused()).toBe(true)
    transport.sent(65537 - 16385)
    expect(protocol.log).toEqual(['made', 'pause'])
    transport.sent(1)
    expect(protocol.log).toEqual(['made', 'pause', 'resume'])
    expect(transport.getWriteBufferLimits()).toEqual({ high: 65536, low: 16384 })
  })

  it('pauses on writeLines above the default high-water mark, and at once on limits below the buffer', () => {
    const lines = new Log()
    const byLines = new ScriptedTransport(lines)
    byLines.start()
    byLines.writeLines([new Uint8Array(65536), Uint8Array.of(1)])
    expect(lines.log).toEqual(['made', 'pause'])
    const limited = new Log()
    const byLimits = new ScriptedTransport(limited)
    byLimits.start()
    byLimits.write(new Uint8Array(100))
    expect(limited.log).toEqual(['made'])
    byLimits.setWriteBufferLimits({ high: 10 })
    expect(limited.log).toEqual(['made', 'pause'])
    expect(byLimits.isWritingPaused()).toBe(true)
  })

  it('is a transport to isTransport(), without a property of its own for it', () => {
    const transport = new ScriptedTransport(new Log())
    expect(isTransport(transport)).toBe(true)
    expect(Object.getOwnPropertySymbols(transport)).toEqual([])
  })

  it('gives extra info as the I/O has it, null included, and the default only for undefined', () => {
    const transport = new ScriptedTransport(new Log())
    transport.extra = { compression: null, peername: { address: 'a', family: 'b', port: 1 } }
    expect(transport.getExtraInfo('compression', 'default')).toBeNull()
    expect(transport.getExtraInfo('nothing', 'default')).toBe('default')
    expect(transport.getExtraInfo('peername')).toEqual({ address: 'a', family: 'b', port: 1 })
  })

  describe('buffered protocols and reads into protocol memory', () => {
    it('gives the scratch memory before connectionMade and while paused, without asking', () => {
      const protocol = new Memory()
      const transport = new ScriptedTransport(protocol)
      const scratch = new Uint8Array(64)
      expect(transport.nextRead(scratch)).toBe(scratch)
      transport.start()
      transport.pauseReading()
      expect(transport.nextRead(scratch)).toBe(scratch)
      expect(protocol.log).toEqual([])
    })

    it('takes bytes that landed in protocol memory without a copy when it is still the place', () => {
      const protocol = new Memory()
      const transport = new ScriptedTransport(protocol)
      transport.start()
      const buffer = transport.nextRead(new Uint8Array(64))
      expect(buffer.buffer).toBe(protocol.memory.buffer)
      expect(transport.landed('abc', buffer)).toBe(true)
      expect(protocol.log).toEqual(['get 64', 'get 3', 'updated abc'])
    })

    it('moves bytes to where the protocol says when its memory moved on since the read began', () => {
      const protocol = new Memory()
      const transport = new ScriptedTransport(protocol)
      transport.start()
      protocol.offset = 5
      const buffer = transport.nextRead(new Uint8Array(64))
      protocol.offset = 0 // emptied later, as on a timer
      expect(transport.landed('BBBBB', buffer)).toBe(true)
      expect(protocol.log).toEqual(['get 64', 'get 5', 'updated BBBBB'])
    })

    it('copies into scratch-read bytes through receive(): the transport hands them over', () => {
      const protocol = new Memory()
      const transport = new ScriptedTransport(protocol)
      transport.start()
      transport.pauseReading()
      const scratch = new Uint8Array(64)
      expect(transport.landed('xyz', scratch)).toBe(false)
    })

    it('moves a read into scratch memory chosen while paused into protocol memory once resumed', () => {
      const protocol = new Memory()
      const transport = new ScriptedTransport(protocol)
      transport.start()
      transport.pauseReading()
      const scratch = new Uint8Array(64)
      // The I/O picks the next read's memory right after a read, here while paused.
      expect(transport.nextRead(scratch)).toBe(scratch)
      transport.resumeReading()
      expect(transport.landed('hello', scratch)).toBe(true)
      expect(protocol.log).toEqual(['get 5', 'updated hello'])
    })

    it('holds a copy of what a protocol pausing mid-read did not take from scratch memory', async () => {
      const protocol = new Memory()
      protocol.memory = new Uint8Array(4)
      const transport = new ScriptedTransport(protocol)
      const updated = protocol.bufferUpdated.bind(protocol)
      protocol.bufferUpdated = (nbytes: number): void => {
        updated(nbytes)
        transport.pauseReading()
      }
      transport.start()
      const scratch = new Uint8Array(64)
      expect(transport.landed('abcdefgh', scratch)).toBe(true)
      scratch.fill(0x58) // the next read of any socket lands there: 'XXXX...'
      transport.resumeReading()
      await microtasks()
      expect(protocol.log).toEqual(['get 8', 'updated abcd', 'get 4', 'updated efgh'])
    })
  })
})
