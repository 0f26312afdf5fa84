import { Protocol, type Transport } from '@wirekit/protocol-core'
import type { ConnectionRecord } from './replies.ts'

type Mutable<T> = { -readonly [K in keyof T]: T[K] }

/** The connections of a server, as its protocols saw them, with a bounded history. */
export class ConnectionLog {
  made = 0
  lost = 0
  toldToDrain = 0
  readonly #records: Mutable<ConnectionRecord>[] = []
  readonly #limit: number

  /** @param limit - Records kept; older ones are dropped (the counts go on). */
  constructor(limit = 20_000) {
    this.#limit = limit
  }

  /** Starts the record of a connection; the protocol updates it as things happen. */
  open(record: Mutable<ConnectionRecord>): Mutable<ConnectionRecord> {
    this.made += 1
    this.#records.push(record)
    if (this.#records.length > this.#limit) {
      this.#records.shift()
    }
    return record
  }

  get records(): readonly ConnectionRecord[] {
    return this.#records
  }
}

/** The `address port` text and the port of a transport's address. */
function describeAddress(address: unknown): { text: string; port: number } {
  const { address: host, port } = (address ?? {}) as { address?: unknown; port?: unknown }
  return {
    text: `${String(host)} ${String(port)}`,
    port: typeof port === 'number' ? port : -1,
  }
}

/**
 * An echo protocol with flow control (it stops reading while its peer does not read) that notes
 * its connection in a {@link ConnectionLog}: when it was made and lost, with which error, whether
 * it was told to drain, and the addresses it saw.
 */
export class RecordedEcho extends Protocol {
  readonly #log: ConnectionLog
  #record: Mutable<ConnectionRecord> | undefined

  constructor(log: ConnectionLog) {
    super()
    this.#log = log
  }

  override connectionMade(transport: Transport): void {
    super.connectionMade(transport)
    const peer = describeAddress(transport.getExtraInfo('peername'))
    const balancer = transport.getExtraInfo('proxyPeername')
    this.#record = this.#log.open({
      socketPort: balancer == null ? peer.port : describeAddress(balancer).port,
      peer: peer.text,
      madeAt: performance.now(),
      toldToDrain: false,
    })
  }

  override dataReceived(data: Uint8Array): void {
    this.transport?.write(data)
  }

  override eofReceived(): boolean {
    return false
  }

  override pauseWriting(): void {
    this.transport?.pauseReading()
  }

  override resumeWriting(): void {
    this.transport?.resumeReading()
  }

  /** The server drains: noted; the echo goes on until the peer ends or the server closes. */
  drainRequested(): void {
    this.#log.toldToDrain += 1
    if (this.#record !== undefined) {
      this.#record.toldToDrain = true
    }
  }

  override connectionLost(error: Error | undefined): void {
    this.#log.lost += 1
    if (this.#record === undefined) {
      return
    }
    this.#record.lostAt = performance.now()
    if (error != null) {
      const code = (error as { code?: unknown }).code
      this.#record.error = typeof code === 'string' ? code : error.name
    }
  }
}
