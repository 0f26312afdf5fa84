#!/usr/bin/env node
import { randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import type { DatagramProtocolCallbacks, DatagramTransport } from '@wirekit/protocol-core'
import { createDatagramEndpoint } from '@wirekit/transport-udp'
import { announceListening, printWarning, readCommands, reply, runServer } from './control.ts'
import type { DatagramSenderStats } from './replies.ts'

/**
 * A UDP endpoint connected to one peer (`@wirekit/transport-udp` used directly) that sends as
 * fast as flow control lets it, for scenarios 15a and 15b, driven by commands (see `control.ts`):
 *
 * ```text
 * datagram-sender --host H --remote-port P [--high-water BYTES]
 * commands: send COUNT SIZE [INTERVAL_MS] (reply: sent, after the last sendto; with an interval,
 *           one datagram per interval) | stats | close (reply: closed, once connectionLost came:
 *           everything queued was handed to the system)
 * ```
 */

/** Keeps the first errors' codes, and counts them all. */
const KEPT_ERRORS = 100

/** A protocol that sends while it may, stops at `pauseWriting`, and goes on at `resumeWriting`. */
class FloodingSender implements DatagramProtocolCallbacks {
  transport: DatagramTransport | undefined
  sent = 0
  pauses = 0
  resumes = 0
  paused = false
  alternated = true
  maxQueued = 0
  received = 0
  readonly errors: string[] = []
  errorCount = 0
  readonly lost: Promise<void>
  #resolveLost: () => void = () => undefined
  #target = 0
  #payload = new Uint8Array(0)
  #whenSent: (() => void) | undefined

  constructor() {
    this.lost = new Promise((resolve) => {
      this.#resolveLost = resolve
    })
  }

  connectionMade(transport: DatagramTransport): void {
    this.transport = transport
  }

  datagramReceived(): void {
    this.received += 1
  }

  errorReceived(error: Error): void {
    this.errorCount += 1
    if (this.errors.length < KEPT_ERRORS) {
      const code = (error as { code?: unknown }).code
      this.errors.push(typeof code === 'string' ? code : error.message)
    }
  }

  pauseWriting(): void {
    this.alternated &&= !this.paused
    this.paused = true
    this.pauses += 1
  }

  resumeWriting(): void {
    this.alternated &&= this.paused
    this.paused = false
    this.resumes += 1
    this.#pump()
  }

  connectionLost(): void {
    this.#resolveLost()
  }

  /** Sends `count` datagrams of `size` bytes, one every `intervalMs`; resolves after the last. */
  async sendSpaced(count: number, size: number, intervalMs: number): Promise<void> {
    for (let index = 0; index < count; index += 1) {
      await this.send(1, size)
      await new Promise((resolve) => setTimeout(resolve, intervalMs))
    }
  }

  /** Sends `count` more datagrams of `size` bytes; resolves after the last `sendto()`. */
  send(count: number, size: number): Promise<void> {
    this.#target = this.sent + count
    this.#payload = randomBytes(size)
    const done = new Promise<void>((resolve) => {
      this.#whenSent = resolve
    })
    this.#pump()
    return done
  }

  #pump(): void {
    const transport = this.transport
    if (transport === undefined) {
      return
    }
    while (!this.paused && this.sent < this.#target && !transport.isClosing()) {
      transport.sendto(this.#payload)
      this.sent += 1
      this.maxQueued = Math.max(this.maxQueued, transport.getWriteBufferSize())
    }
    if (this.sent >= this.#target) {
      this.#whenSent?.()
      this.#whenSent = undefined
    }
  }
}

runServer('datagram-sender', async () => {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      'remote-port': { type: 'string' },
      'high-water': { type: 'string' },
    },
  })
  const remotePort = Number(values['remote-port'])
  if (!Number.isInteger(remotePort) || remotePort < 1 || remotePort > 65535) {
    throw new RangeError('--remote-port must be a port number from 1 to 65535')
  }
  const highWater = values['high-water'] == null ? undefined : Number(values['high-water'])
  const { transport, protocol } = await createDatagramEndpoint(() => new FloodingSender(), {
    localAddress: { address: values.host },
    remoteAddress: { address: values.host, port: remotePort },
    onWarning: printWarning,
    ...(highWater == null ? {} : { writeBufferLimits: { high: highWater } }),
  })

  const stats = (): DatagramSenderStats => ({
    sent: protocol.sent,
    pauses: protocol.pauses,
    resumes: protocol.resumes,
    paused: protocol.paused,
    alternated: protocol.alternated,
    maxQueued: protocol.maxQueued,
    highWater: transport.getWriteBufferLimits().high,
    errors: protocol.errors,
    errorCount: protocol.errorCount,
    received: protocol.received,
    closing: transport.isClosing(),
    now: performance.now(),
  })

  const commands = readCommands(async ([command, ...args]) => {
    switch (command) {
      case 'send': {
        const [count, size, interval] = args.map(Number)
        if (count == null || size == null || !(count >= 0) || !(size >= 0)) {
          throw new RangeError('send takes a count, a size and maybe an interval')
        }
        await (interval == null
          ? protocol.send(count, size)
          : protocol.sendSpaced(count, size, interval))
        reply('sent', stats())
        return
      }
      case 'stats':
        reply('stats', stats())
        return
      case 'close':
        commands.stop()
        transport.close()
        await protocol.lost
        reply('closed', stats())
        return
      default:
        throw new Error(`unknown command ${String(command)}`)
    }
  })

  const { address, port } = transport.getExtraInfo('sockname', { address: values.host, port: 0 })
  announceListening(address, port)
})
