/**
 * What a side-by-side server does and what it records: the behaviour both recorders follow (the
 * asyncio one in fixtures/asyncio-recorder.py, wirekit's in wirekit-recorder.ts), the events they
 * record, the contract every trace must keep, and the normal form two traces are compared in.
 */

/**
 * Something the recording protocol does: a transport call (`write:<latin1 text>`,
 * `writeFill:<size>` writes that many `z`, `setWriteBufferLimits:<high>`), `empty` (a buffered
 * protocol forgets what its memory holds, recording it), `dumpMemory` (records all its memory),
 * `reportWriteBufferSize` (records `getWriteBufferSize()`), or `raise` (the callback throws a
 * `ScenarioError`).
 */
export type Action =
  | 'pauseReading'
  | 'resumeReading'
  | 'close'
  | 'abort'
  | 'writeEof'
  | 'empty'
  | 'reportWriteBufferSize'
  | 'raise'
  | 'dumpMemory'
  | `setWriteBufferLimits:${number}`
  | `write:${string}`
  | `writeFill:${number}`

/** What the recording protocol of a scenario does, on both sides. */
export interface Behaviour {
  /**
   * `stream`: asyncio's `Protocol`. `buffered`: a `BufferedProtocol` that allocates `memory` bytes
   * in `connectionMade`; `getBuffer` returns the part not used yet, and only `empty` frees it.
   */
  readonly protocol: 'stream' | 'buffered'
  readonly memory?: number
  /** After each data callback, write `[n]`, n being the count of bytes received so far. */
  readonly ack?: boolean
  /** Buffered: pause reading in the data callback that filled the memory. */
  readonly pauseWhenFull?: boolean
  readonly onConnect?: readonly Action[]
  /** Run once, after the ack, in the data callback in which the count first reaches `bytes`. */
  readonly onBytes?: readonly { readonly bytes: number; readonly do: readonly Action[] }[]
  /** Run in `pauseWriting`. */
  readonly onPauseWriting?: readonly Action[]
  /** What `eofReceived` does and returns (`false` when left out). */
  readonly onEof?: { readonly returns: boolean; readonly do?: readonly Action[] }
}

/** An endpoint address, as both recorders write it. */
export interface Address {
  readonly host: string
  readonly port: number
}

/** An error as a recorder saw it: its class name, message, errno name and cause. */
export interface ErrorInfo {
  readonly type: string
  readonly message: string
  readonly code?: string | undefined
  readonly cause?: ErrorInfo | undefined
}

/**
 * One recorded event, with asyncio's names turned into camelCase. `callback`: the transport called
 * the protocol; `call`: the protocol acted (a transport call or an action); `command`: the test
 * told the protocol to act; `reported`: the transport reported a callback error (asyncio's loop
 * exception handler, wirekit's `onError`).
 */
export interface TraceEvent {
  readonly kind: 'callback' | 'call' | 'command' | 'reported'
  readonly name: string
  /** A callback made while another callback or a command was running. */
  readonly nested?: boolean
  /** Bytes (latin1): received for a data callback; what the memory held for `empty`, `memory`. */
  readonly data?: string
  readonly nbytes?: number
  /**
   * `getBuffer`: the size of the memory it returned; `write`: how many bytes;
   * `setWriteBufferLimits`: the high-water mark.
   */
  readonly size?: number
  /** `getBuffer`: the size hint it was given (the transports legitimately differ). */
  readonly hint?: number
  readonly returned?: boolean
  readonly error?: ErrorInfo | null
  readonly sockname?: Address | null
  readonly peername?: Address | null
  /** `getWriteBufferSize`: what it returned. */
  readonly value?: number
  readonly do?: readonly Action[]
  /** `reported`: the callback that threw. */
  readonly callback?: string | null
}

/** `data_received` → `dataReceived`. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase())
}

const DATA_CALLBACKS = new Set(['dataReceived', 'bufferUpdated'])
const FLOW_CALLBACKS = new Set(['pauseWriting', 'resumeWriting'])

/**
 * Where a trace breaks the contract both asyncio and wirekit promise: `connectionMade` first and
 * once; `connectionLost` once and last; no `getBuffer`, data or EOF before `connectionMade`, while
 * reading is paused or once the transport is closing; `bufferUpdated` only after a `getBuffer`,
 * within the memory it gave; one EOF, after the last data; no callback inside another callback or
 * a command, except `pauseWriting` inside a write.
 */
export function contractViolations(trace: readonly TraceEvent[]): string[] {
  const violations: string[] = []
  let made = false
  let lost = false
  let paused = false
  let closing = false
  let eof = false
  let memoryGiven: number | undefined
  let lastCallback = ''
  for (const [index, event] of trace.entries()) {
    const where = `#${index} ${event.kind} ${event.name}`
    if (lost && (event.kind === 'callback' || event.kind === 'reported')) {
      violations.push(`${where} after connectionLost`)
    }
    if (event.kind === 'call') {
      if (event.name === 'pauseReading' && !closing) {
        paused = true
      } else if (event.name === 'resumeReading') {
        paused = false
      } else if (event.name === 'close' || event.name === 'abort') {
        closing = true
      } else if (event.name === 'raise') {
        // A callback that raises is fatal, but for a flow-control one.
        closing ||= !FLOW_CALLBACKS.has(lastCallback)
      }
      continue
    }
    if (event.kind !== 'callback') {
      continue
    }
    lastCallback = event.name
    if (event.nested === true && event.name !== 'pauseWriting') {
      violations.push(`${where} inside another callback or a command`)
    }
    if (event.name === 'connectionMade') {
      if (made) {
        violations.push(`${where}: a second connectionMade`)
      }
      made = true
      continue
    }
    if (!made) {
      violations.push(`${where} before connectionMade`)
    }
    if (event.name === 'connectionLost') {
      lost = true
      continue
    }
    const reads = event.name === 'getBuffer' || DATA_CALLBACKS.has(event.name)
    if ((reads || event.name === 'eofReceived') && (paused || closing || eof)) {
      violations.push(`${where} while ${paused ? 'paused' : closing ? 'closing' : 'after EOF'}`)
    }
    if (event.name === 'getBuffer') {
      memoryGiven = event.size
    } else if (event.name === 'bufferUpdated') {
      if (memoryGiven === undefined) {
        violations.push(`${where} without a getBuffer since the last one`)
      } else if ((event.nbytes ?? 0) > memoryGiven) {
        violations.push(`${where}: ${event.nbytes} bytes in ${memoryGiven} bytes of memory`)
      }
      memoryGiven = undefined
    } else if (event.name === 'eofReceived') {
      eof = true
      closing ||= event.returned === false
    }
  }
  if (!lost) {
    violations.push('no connectionLost')
  }
  return violations
}

/** The ports an address may be, by role. */
export interface Ports {
  readonly server: number
  readonly client: number
}

function describeAddress(label: string, address: Address | null | undefined, ports: Ports): string {
  if (address == null) {
    return `${label}=none`
  }
  const port =
    address.port === ports.server
      ? 'server'
      : address.port === ports.client
        ? 'client'
        : String(address.port)
  return `${label}=${address.host}:${port}`
}

/**
 * An error in the form both sides share: a callback's own error is `raised: <message>` (asyncio
 * passes the exception itself, wirekit a `ProtocolCallbackError` whose cause it is); a system
 * error is its errno name (`ConnectionResetError` and `code: 'ECONNRESET'` alike).
 */
function describeError(error: ErrorInfo | null | undefined): string {
  if (error == null) {
    return 'none'
  }
  const own = error.type === 'ScenarioError' ? error : error.cause
  if (own?.type === 'ScenarioError') {
    return `raised: ${own.message}`
  }
  return error.code ?? error.type
}

/** Long runs of one byte written as `x{1000}`, so that big chunks stay readable in a diff. */
function describeBytes(data: string): string {
  // eslint-disable-next-line no-control-regex -- control bytes (unused memory) shown as dots
  return JSON.stringify(data.replace(/[\x00-\x1f]/g, '.')).replace(
    /(.)\1{7,}/g,
    (run, byte: string) => `${byte}{${run.length}}`,
  )
}

function describeEvent(event: TraceEvent, ports: Ports): string {
  const nested = event.nested === true ? ' (nested)' : ''
  const addresses = () =>
    `${describeAddress('sockname', event.sockname, ports)} ${describeAddress('peername', event.peername, ports)}`
  switch (event.name) {
    case 'connectionMade':
      return `connectionMade ${addresses()}`
    case 'connectionLost':
      return `connectionLost error=${describeError(event.error)} ${addresses()}`
    case 'eofReceived':
      return `eofReceived -> ${String(event.returned)}`
    case 'dataReceived':
    case 'bufferUpdated':
    case 'empty':
    case 'memory':
      return `${event.kind} ${event.name} ${describeBytes(event.data ?? '')}`
    case 'write':
      return `call write ${event.size} bytes`
    case 'command':
      return `command ${(event.do ?? []).join(', ')}`
    case 'error':
      return `reported error in ${event.callback ?? '?'}: ${describeError(event.error)}`
    default:
      // getWriteBufferSize's value differs legitimately: scenarios check it against bounds.
      return `${event.kind} ${event.name}${nested}`
  }
}

/**
 * A trace in the form two sides are compared in: `getBuffer` calls left out (when and how often
 * a transport asks differs legitimately: wirekit's fast path asks ahead of a read and again when
 * it completes), consecutive data callbacks merged (TCP chunking is arbitrary), addresses by role,
 * errors by kind, one line per event.
 */
export function normalise(trace: readonly TraceEvent[], ports: Ports): string[] {
  const merged: TraceEvent[] = []
  for (const event of trace) {
    if (event.name === 'getBuffer') {
      continue
    }
    const last = merged.at(-1)
    if (last !== undefined && DATA_CALLBACKS.has(event.name) && last.name === event.name) {
      merged[merged.length - 1] = { ...last, data: (last.data ?? '') + (event.data ?? '') }
    } else {
      merged.push(event)
    }
  }
  return merged.map((event) => describeEvent(event, ports))
}

/** Every byte the data callbacks delivered, in order (latin1). */
export function delivered(trace: readonly TraceEvent[]): string {
  return trace
    .filter((event) => DATA_CALLBACKS.has(event.name))
    .map((event) => event.data ?? '')
    .join('')
}

/** The values `reportWriteBufferSize` recorded, in order. */
export function reportedWriteBufferSizes(trace: readonly TraceEvent[]): number[] {
  return trace.flatMap((event) =>
    event.name === 'getWriteBufferSize' && event.value !== undefined ? [event.value] : [],
  )
}
