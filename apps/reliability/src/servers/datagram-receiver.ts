#!/usr/bin/env node
import { parseArgs } from 'node:util'
import type {
  DatagramProtocolCallbacks,
  DatagramTransport,
  TransportAddress,
} from '@wirekit/protocol-core'
import { createDatagramEndpoint } from '@wirekit/transport-udp'
import { announceListening, printWarning, readCommands, reply, runServer } from './control.ts'
import type { DatagramReceiverStats } from './replies.ts'

/**
 * A UDP endpoint (`@wirekit/transport-udp` used directly) for scenarios 15a and 15b: the slow one
 * of 15a spends `--busy-us` microseconds of CPU on each datagram, so that a sender can outpace it;
 * the one of 15b echoes. Driven by commands (see `control.ts`):
 *
 * ```text
 * datagram-receiver --host H [--port P] [--busy-us N] [--echo]
 * commands: stats | close (reply: closed)
 * ```
 */

/** Counts what it receives, and works `busyMicroseconds` on each datagram (echoing it if asked). */
class SlowReceiver implements DatagramProtocolCallbacks {
  transport: DatagramTransport | undefined
  received = 0
  bytes = 0
  errorCount = 0
  readonly lost: Promise<void>
  readonly #busyMs: number
  readonly #echo: boolean
  #resolveLost: () => void = () => undefined

  constructor(busyMicroseconds: number, echo: boolean) {
    this.#busyMs = busyMicroseconds / 1000
    this.#echo = echo
    this.lost = new Promise((resolve) => {
      this.#resolveLost = resolve
    })
  }

  connectionMade(transport: DatagramTransport): void {
    this.transport = transport
  }

  datagramReceived(data: Uint8Array, address: TransportAddress): void {
    this.received += 1
    this.bytes += data.byteLength
    const until = performance.now() + this.#busyMs
    while (performance.now() < until) {
      // Working on the datagram: the point is to be slower than the sender.
    }
    if (this.#echo) {
      this.transport?.sendto(data, address)
    }
  }

  errorReceived(): void {
    this.errorCount += 1
  }

  connectionLost(): void {
    this.#resolveLost()
  }
}

runServer('datagram-receiver', async () => {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', default: '127.0.0.1' },
      port: { type: 'string', default: '0' },
      'busy-us': { type: 'string', default: '0' },
      echo: { type: 'boolean', default: false },
    },
  })
  const busy = Number(values['busy-us'])
  if (!(busy >= 0)) {
    throw new RangeError('--busy-us must be a number of microseconds')
  }
  const { transport, protocol } = await createDatagramEndpoint(
    () => new SlowReceiver(busy, values.echo),
    { localAddress: { address: values.host, port: Number(values.port) }, onWarning: printWarning },
  )

  const stats = (): DatagramReceiverStats => ({
    received: protocol.received,
    bytes: protocol.bytes,
    errorCount: protocol.errorCount,
    now: performance.now(),
  })

  const commands = readCommands(async ([command]) => {
    switch (command) {
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
