import type { Socket } from 'node:net'
import { inspect } from 'node:util'
import type {
  AnyProtocol,
  BufferedProtocolCallbacks,
  StreamProtocolCallbacks,
  Transport,
  TransportAddress,
} from '@wirekit/protocol-core'
import type { TraceLog } from './server-side.ts'
import type { Action, Address, Behaviour, ErrorInfo, TraceEvent } from './trace.ts'

/** What the `raise` action throws. */
class ScenarioError extends Error {
  override name = 'ScenarioError'
}

function addressOf(address: TransportAddress | string | undefined): Address | null {
  // The scenarios run over TCP: a Unix path never comes here.
  return address === undefined || typeof address === 'string'
    ? null
    : { host: address.address, port: address.port }
}

function errorInfo(error: unknown): ErrorInfo | undefined {
  if (error === undefined) {
    return undefined
  }
  if (!(error instanceof Error)) {
    return { type: typeof error, message: inspect(error) }
  }
  const { code } = error as { code?: unknown }
  return {
    type: error.name,
    message: error.message,
    code: typeof code === 'string' ? code : undefined,
    cause: errorInfo(error.cause),
  }
}

/**
 * wirekit's twin of fixtures/asyncio-recorder.py's `Recorder`: the same behaviour, the same events,
 * line for line. The two protocol classes below only route their callbacks here.
 */
export class Recorder {
  readonly #behaviour: Behaviour
  readonly #log: TraceLog
  #transport: Transport | undefined
  #depth = 0
  #received = 0
  #triggers: NonNullable<Behaviour['onBytes']>
  #memory = new Uint8Array(0)
  #used = 0

  constructor(behaviour: Behaviour, log: TraceLog) {
    this.#behaviour = behaviour
    this.#log = log
    this.#triggers = behaviour.onBytes ?? []
  }

  /** The connection's socket, once connected. */
  get socket(): Socket | undefined {
    return this.#transport?.getExtraInfo('socket') as Socket | undefined
  }

  record(kind: TraceEvent['kind'], name: string, fields: Partial<TraceEvent> = {}): void {
    this.#log.push({ kind, name, nested: kind === 'callback' && this.#depth > 0, ...fields })
  }

  /** Records a callback (or a command) and counts it as running while `body` runs. */
  running<TResult>(
    kind: TraceEvent['kind'],
    name: string,
    fields: Partial<TraceEvent>,
    body: () => TResult,
  ): TResult {
    this.record(kind, name, fields)
    this.#depth += 1
    try {
      return body()
    } finally {
      this.#depth -= 1
    }
  }

  #addresses(): Partial<TraceEvent> {
    return {
      sockname: addressOf(this.#transport?.getExtraInfo('sockname')),
      peername: addressOf(this.#transport?.getExtraInfo('peername')),
    }
  }

  connectionMade(transport: Transport): void {
    this.#transport = transport
    if (this.#behaviour.protocol === 'buffered') {
      this.#memory = new Uint8Array(this.#behaviour.memory ?? 0)
    }
    this.running('callback', 'connectionMade', this.#addresses(), () => {
      this.#run(this.#behaviour.onConnect ?? [])
    })
  }

  /** After dataReceived or bufferUpdated: the ack, then the triggers the count reached. */
  data(name: 'dataReceived' | 'bufferUpdated', data: Uint8Array): void {
    const fields = { data: Buffer.from(data).toString('latin1'), nbytes: data.length }
    this.running('callback', name, fields, () => {
      this.#received += data.length
      if (this.#behaviour.ack === true) {
        this.#transport?.write(Buffer.from(`[${this.#received}]`))
      }
      const reached = this.#triggers.filter((t) => t.bytes <= this.#received)
      this.#triggers = this.#triggers.filter((t) => t.bytes > this.#received)
      for (const trigger of reached) {
        this.#run(trigger.do)
      }
      const memoryFull = this.#memory.length > 0 && this.#used === this.#memory.length
      if (memoryFull && this.#behaviour.pauseWhenFull === true) {
        this.#act('pauseReading')
      }
    })
  }

  eofReceived(): boolean {
    const returns = this.#behaviour.onEof?.returns ?? false
    this.running('callback', 'eofReceived', { returned: returns }, () => {
      this.#run(this.#behaviour.onEof?.do ?? [])
    })
    return returns
  }

  connectionLost(error: Error | undefined): void {
    this.record('callback', 'connectionLost', {
      error: errorInfo(error) ?? null,
      ...this.#addresses(),
    })
  }

  getBuffer(sizeHint: number): Uint8Array {
    const free = this.#memory.subarray(this.#used)
    this.record('callback', 'getBuffer', { size: free.length, hint: sizeHint })
    return free
  }

  bufferUpdated(nbytes: number): void {
    const data = this.#memory.slice(this.#used, this.#used + nbytes)
    this.#used += nbytes
    this.data('bufferUpdated', data)
  }

  pauseWriting(): void {
    this.running('callback', 'pauseWriting', {}, () => {
      this.#run(this.#behaviour.onPauseWriting ?? [])
    })
  }

  command(actions: readonly Action[]): void {
    this.running('command', 'command', { do: actions }, () => {
      this.#run(actions)
    })
  }

  reportError(error: Error): void {
    const { callback } = error as { callback?: unknown }
    this.record('reported', 'error', {
      callback: typeof callback === 'string' ? callback : null,
      error: errorInfo(error) ?? null,
    })
  }

  #run(actions: readonly Action[]): void {
    for (const action of actions) {
      this.#act(action)
    }
  }

  #act(action: Action): void {
    const transport = this.#transport
    if (transport === undefined) {
      throw new Error(`no connection to run ${action} on`)
    }
    const [name, argument = ''] = action.split(/:(.*)/s) as [string, string?]
    switch (name) {
      case 'write':
        this.record('call', 'write', { size: argument.length })
        transport.write(Buffer.from(argument, 'latin1'))
        break
      case 'writeFill':
        this.record('call', 'write', { size: Number(argument) })
        transport.write(Buffer.alloc(Number(argument), 'z'))
        break
      case 'writeEof':
        this.record('call', 'writeEof')
        transport.writeEof()
        break
      case 'pauseReading':
        this.record('call', 'pauseReading')
        transport.pauseReading()
        break
      case 'resumeReading':
        this.record('call', 'resumeReading')
        transport.resumeReading()
        break
      case 'close':
        this.record('call', 'close')
        transport.close()
        break
      case 'abort':
        this.record('call', 'abort')
        transport.abort()
        break
      case 'reportWriteBufferSize':
        this.record('call', 'getWriteBufferSize', { value: transport.getWriteBufferSize() })
        break
      case 'setWriteBufferLimits':
        this.record('call', 'setWriteBufferLimits', { size: Number(argument) })
        transport.setWriteBufferLimits({ high: Number(argument) })
        break
      case 'dumpMemory':
        this.record('call', 'memory', { data: Buffer.from(this.#memory).toString('latin1') })
        break
      case 'empty':
        this.record('call', 'empty', {
          data: Buffer.from(this.#memory.subarray(0, this.#used)).toString('latin1'),
        })
        this.#used = 0
        break
      case 'raise':
        this.record('call', 'raise')
        throw new ScenarioError('scenario error')
      default:
        throw new Error(`unknown action ${action}`)
    }
  }
}

class StreamRecorder implements StreamProtocolCallbacks {
  readonly recorder: Recorder

  constructor(recorder: Recorder) {
    this.recorder = recorder
  }

  connectionMade(transport: Transport): void {
    this.recorder.connectionMade(transport)
  }

  dataReceived(data: Uint8Array): void {
    this.recorder.data('dataReceived', data)
  }

  eofReceived(): boolean {
    return this.recorder.eofReceived()
  }

  connectionLost(error: Error | undefined): void {
    this.recorder.connectionLost(error)
  }

  pauseWriting(): void {
    this.recorder.pauseWriting()
  }

  resumeWriting(): void {
    this.recorder.running('callback', 'resumeWriting', {}, () => undefined)
  }
}

/** Owns `memory` bytes from connectionMade on; getBuffer gives the part not used yet. */
class BufferedRecorder
  extends StreamRecorder
  implements Omit<BufferedProtocolCallbacks, 'dataReceived'>
{
  getBuffer(sizeHint: number): Uint8Array {
    return this.recorder.getBuffer(sizeHint)
  }

  bufferUpdated(nbytes: number): void {
    this.recorder.bufferUpdated(nbytes)
  }
}

/** A protocol for `recorder`: a buffered one when its behaviour says so, else a streaming one. */
export function recordingProtocol(recorder: Recorder, behaviour: Behaviour): AnyProtocol {
  return behaviour.protocol === 'buffered'
    ? new BufferedRecorder(recorder)
    : new StreamRecorder(recorder)
}
