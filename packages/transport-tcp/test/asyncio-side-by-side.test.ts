import { afterEach, describe, expect, it } from 'vitest'
import { Cleanup } from './helpers.ts'
import { startAsyncio } from './side-by-side/asyncio-side.ts'
import { clientReadAhead, kernelSlack } from './side-by-side/kernel-slack.ts'
import {
  awaitEnd,
  awaitReleased,
  awaitText,
  awaitTrace,
  end,
  RawClient,
  readUntil,
  reset,
  send,
  server,
  type Step,
} from './side-by-side/raw-client.ts'
import type { ServerSide } from './side-by-side/server-side.ts'
import {
  contractViolations,
  delivered,
  normalise,
  reportedWriteBufferSizes,
  type Behaviour,
  type TraceEvent,
} from './side-by-side/trace.ts'
import { startWirekit } from './side-by-side/wirekit-side.ts'

/**
 * Each scenario runs twice, against CPython 3.11's asyncio and against wirekit: one raw client,
 * the same steps, a server protocol that behaves and records the same way on both sides
 * (fixtures/asyncio-recorder.py, side-by-side/wirekit-recorder.ts). Each trace must keep the contract
 * (`contractViolations`), and the two must be equal once normalised (`normalise`: getBuffer calls
 * left out, data chunks merged, addresses by role, errors by kind).
 */

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

/**
 * A scenario's bound: two servers, a Python start-up and up to 64 MiB through loopback, with every
 * wait bounded by WAIT_GUARD_MS (on a starved machine an asyncio run alone has taken 15 s).
 */
const SCENARIO_TIMEOUT_MS = 120_000
const MiB = 1024 * 1024
const BIG_WRITE = 64 * MiB
/** A write the kernel cannot take whole, whatever its buffer sizes: it pauses the protocol. */
const PAUSING_WRITE = kernelSlack() + MiB

/** What one side did in a scenario. */
interface SideRun {
  readonly label: string
  readonly trace: readonly TraceEvent[]
  readonly client: RawClient
  /** The trace in the form both sides are compared in. */
  readonly normalised: string[]
}

interface Scenario {
  readonly name: string
  readonly server: Behaviour
  /** `false`: the client does not read until a step says so. */
  readonly clientReads?: boolean
  readonly client: readonly Step[]
  /** What must hold on each side besides the contract and the comparison. */
  readonly check?: (side: SideRun) => void
  /**
   * A difference from asyncio believed to be a wirekit bug, pinned until it is fixed: where it
   * `applies`, the scenario is expected to fail (`it.fails`). Drop it with the fix.
   */
  readonly wirekitBug?: { readonly difference: string; readonly applies: boolean }
}

const SCENARIOS: readonly Scenario[] = [
  // --- BufferedProtocol life ---
  {
    name: 'BufferedProtocol: memory from connectionMade, pause when full, emptied later, no stale bytes',
    server: { protocol: 'buffered', memory: 10, ack: true, pauseWhenFull: true },
    client: [
      send('AAAAA'),
      awaitText('[5]'),
      // Emptied between two reads: the next bytes belong at the start of the memory.
      server('empty'),
      send('BBBBB'),
      awaitText('[10]'),
      send('CCCCC'),
      awaitText('[15]'),
      // The memory is full and reading paused: these wait.
      send('DDDDD'),
      server('empty', 'resumeReading'),
      awaitText('[20]'),
      // Five bytes free: the first five fill it, the other ten wait for the next empty.
      send('EEEEEFFFFFGGGGG'),
      awaitText('[25]'),
      server('empty', 'resumeReading'),
      awaitText('[35]'),
      server('empty', 'resumeReading'),
      end(),
      awaitEnd(),
    ],
  },
  {
    name: 'BufferedProtocol that pauses in connectionMade: no buffer asked for before it resumes',
    server: { protocol: 'buffered', memory: 10, ack: true, onConnect: ['pauseReading'] },
    client: [send('AAAAA'), server('resumeReading'), awaitText('[5]'), end(), awaitEnd()],
  },
  {
    name: 'BufferedProtocol that empties its memory inside bufferUpdated: every read at its start',
    server: {
      protocol: 'buffered',
      memory: 4,
      ack: true,
      onBytes: [4, 8, 12].map((bytes) => ({ bytes, do: ['empty'] as const })),
    },
    client: [send('AAAABBBBCCCC'), awaitText('[12]'), end(), awaitEnd()],
  },
  {
    name: 'BufferedProtocol full and paused when the EOF comes: the EOF waits behind the held bytes',
    server: { protocol: 'buffered', memory: 10, ack: true, pauseWhenFull: true },
    client: [
      send('AAAAAAAAAABBBBB'),
      awaitText('[10]'),
      end(),
      server('empty', 'resumeReading'),
      awaitText('[15]'),
      awaitEnd(),
    ],
  },
  {
    name: 'BufferedProtocol closed while paused with bytes held: they are never delivered',
    server: { protocol: 'buffered', memory: 10, ack: true, pauseWhenFull: true },
    client: [send('AAAAAAAAAABBBBB'), awaitText('[10]'), server('close'), awaitEnd()],
  },
  {
    name: 'BufferedProtocol closed later (a timer): its memory is not written after close()',
    server: { protocol: 'buffered', memory: 10, ack: true },
    client: [
      send('AAAAA'),
      awaitText('[5]'),
      server('close'),
      awaitTrace('connectionLost'),
      send('ZZZZZ'),
      end(),
      awaitReleased(),
      server('dumpMemory'),
    ],
    // asyncio writes protocol memory only between a get_buffer() and its buffer_updated(); with
    // user-buffer reads the socket keeps the memory the last getBuffer() lent it while a close()
    // lingers, so the peer's next bytes land there after close() and after connectionLost.
  },

  // --- Addresses in connectionLost, EOF ---
  {
    name: 'eofReceived returns false: the transport closes; both addresses known in connectionLost',
    server: { protocol: 'stream', ack: true },
    client: [send('hello'), awaitText('[5]'), end(), awaitEnd()],
  },
  {
    name: 'eofReceived returns true: the server writes after it, then closes',
    server: { protocol: 'stream', ack: true, onEof: { returns: true } },
    client: [
      send('hello'),
      awaitText('[5]'),
      end(),
      awaitTrace('eofReceived'),
      server('write:bye'),
      awaitText('bye'),
      server('close'),
      awaitEnd(),
    ],
  },
  {
    name: 'a half-close while the server is paused: the EOF waits behind the held data',
    server: { protocol: 'stream', ack: true, onBytes: [{ bytes: 5, do: ['pauseReading'] }] },
    client: [
      send('AAAAA'),
      awaitText('[5]'),
      send('BBBBB'),
      end(),
      server('resumeReading'),
      awaitEnd(),
    ],
  },
  {
    name: 'writeEof, then the peer’s EOF: eofReceived, then the transport closes',
    server: { protocol: 'stream', onConnect: ['write:hi', 'writeEof'] },
    client: [awaitText('hi'), awaitEnd(), end(), awaitTrace('connectionLost')],
  },

  // --- Pause and resume reading ---
  {
    name: 'pause in dataReceived, the client keeps sending, resume later: held data in order',
    server: { protocol: 'stream', ack: true, onBytes: [{ bytes: 5, do: ['pauseReading'] }] },
    client: [
      send('AAAAA'),
      awaitText('[5]'),
      send('BBBBB'),
      send('C'.repeat(40_000)),
      server('resumeReading'),
      awaitText('[40010]'),
      end(),
      awaitEnd(),
    ],
  },
  {
    name: 'pauseReading then resumeReading in one callback: nothing lost, nothing nested',
    server: {
      protocol: 'stream',
      ack: true,
      onBytes: [{ bytes: 5, do: ['pauseReading', 'resumeReading'] }],
    },
    client: [send('AAAAA'), awaitText('[5]'), send('BBBBB'), awaitText('[10]'), end(), awaitEnd()],
  },

  // --- Writing: the write buffer and its water marks ---
  {
    name: 'getWriteBufferSize after 64 MiB written to a client that does not read, then half read',
    server: { protocol: 'stream', onConnect: [`writeFill:${BIG_WRITE}`, 'reportWriteBufferSize'] },
    clientReads: false,
    client: [
      awaitTrace('getWriteBufferSize'),
      readUntil(BIG_WRITE / 2),
      server('reportWriteBufferSize'),
      readUntil(BIG_WRITE),
      end(),
      awaitEnd(),
    ],
    check: ({ label, trace, client }) => {
      const [afterWrite = NaN, afterHalf = NaN] = reportedWriteBufferSizes(trace)
      const [readBeforeReport = NaN] = client.receivedAtCommands
      // The kernel took some of the write, never all of it (the client does not read).
      expect(afterWrite, label).toBeLessThan(BIG_WRITE)
      expect(afterWrite, label).toBeGreaterThanOrEqual(BIG_WRITE - kernelSlack())
      // What the client read has left user space; the kernel and the client may hold more.
      expect(afterHalf, label).toBeLessThanOrEqual(BIG_WRITE - readBeforeReport)
      expect(afterHalf, label).toBeGreaterThanOrEqual(
        BIG_WRITE - readBeforeReport - kernelSlack() - clientReadAhead(client),
      )
    },
  },
  {
    name: 'close() flushes what the kernel could not take to a client that reads, then connectionLost',
    server: { protocol: 'stream', onConnect: [`writeFill:${PAUSING_WRITE}`, 'close'] },
    client: [awaitEnd()],
    check: ({ label, client }) => expect(client.received, label).toBe(PAUSING_WRITE),
  },
  {
    name: 'abort() while close() flushes: the rest is dropped, connectionLost(None)',
    server: { protocol: 'stream', onConnect: [`writeFill:${PAUSING_WRITE}`, 'close'] },
    clientReads: false,
    client: [awaitTrace('close'), server('abort'), awaitTrace('connectionLost')],
  },
  {
    name: 'getWriteBufferSize is 0 once abort() has dropped the buffer',
    server: { protocol: 'stream', onConnect: [`writeFill:${PAUSING_WRITE}`] },
    clientReads: false,
    client: [
      awaitTrace('pauseWriting'),
      server('abort', 'reportWriteBufferSize'),
      awaitTrace('connectionLost'),
    ],
    check: ({ label, trace }) => expect(reportedWriteBufferSizes(trace), label).toEqual([0]),
    // asyncio clears its buffer in abort(); wirekit falls back to the destroyed socket's
    // writableLength until connectionLost: the whole write.
  },
  {
    name: 'write limits raised while writing is paused: resumeWriting only once the buffer drains',
    server: { protocol: 'stream', onConnect: [`writeFill:${PAUSING_WRITE}`] },
    clientReads: false,
    client: [
      awaitTrace('pauseWriting'),
      server(`setWriteBufferLimits:${4 * PAUSING_WRITE}`),
      readUntil(PAUSING_WRITE),
      end(),
      awaitEnd(),
    ],
    // asyncio's set_write_buffer_limits() may pause the protocol, never resume it: resume_writing
    // comes from the write path once the buffer drains. wirekit resumes inside the call.
  },

  // --- Closing, aborting and resets ---
  {
    name: 'close() inside dataReceived: nothing more is delivered',
    server: { protocol: 'stream', onBytes: [{ bytes: 1, do: ['close'] }] },
    client: [send(`CLOSE${'x'.repeat(1000)}`), awaitEnd(), send('after')],
  },
  {
    name: 'close() inside bufferUpdated with more bytes pending: nothing more is delivered',
    server: { protocol: 'buffered', memory: 10, onBytes: [{ bytes: 10, do: ['close'] }] },
    client: [send('AAAAAAAAAABBBBBBBBBBCCCCCCCCCC'), awaitEnd()],
  },
  {
    name: 'close() while paused with data held: the held data is never delivered',
    server: { protocol: 'stream', ack: true, onBytes: [{ bytes: 5, do: ['pauseReading'] }] },
    client: [send('AAAAA'), awaitText('[5]'), send('BBBBB'), server('close'), awaitEnd()],
  },
  {
    name: 'close() inside connectionMade: what it wrote is flushed first',
    server: { protocol: 'stream', onConnect: ['write:hi', 'close'] },
    client: [awaitText('hi'), awaitEnd(), awaitTrace('connectionLost')],
  },
  {
    name: 'abort() inside dataReceived: connectionLost(None), nothing more is delivered',
    server: { protocol: 'stream', onBytes: [{ bytes: 1, do: ['abort'] }] },
    client: [send(`ABORT${'x'.repeat(1000)}`), awaitEnd(), awaitTrace('connectionLost')],
  },
  {
    name: 'a client reset mid-stream: connectionLost(ECONNRESET); both addresses still known',
    server: { protocol: 'stream', ack: true },
    client: [send('hello'), awaitText('[5]'), reset(), awaitTrace('connectionLost')],
  },
  {
    name: 'a client reset while the server is paused: the held data first, then ECONNRESET',
    server: { protocol: 'stream', ack: true, onBytes: [{ bytes: 5, do: ['pauseReading'] }] },
    client: [
      send('AAAAA'),
      awaitText('[5]'),
      send('BBBBB'),
      reset(),
      server('resumeReading'),
      awaitTrace('connectionLost'),
    ],
  },
  {
    name: 'a client reset while close() flushes: connectionLost(ECONNRESET)',
    server: { protocol: 'stream', onConnect: [`writeFill:${PAUSING_WRITE}`, 'close'] },
    clientReads: false,
    client: [awaitTrace('close'), reset(), awaitTrace('connectionLost')],
  },

  // --- Callbacks that raise ---
  {
    name: 'dataReceived raises: reported, the connection is lost with that error',
    server: { protocol: 'stream', onBytes: [{ bytes: 1, do: ['raise'] }] },
    client: [send('boom'), awaitTrace('connectionLost'), awaitEnd()],
  },
  {
    name: 'bufferUpdated raises: reported, the connection is lost with that error',
    server: { protocol: 'buffered', memory: 10, onBytes: [{ bytes: 1, do: ['raise'] }] },
    client: [send('boom'), awaitTrace('connectionLost'), awaitEnd()],
  },
  {
    name: 'eofReceived raises: reported, the connection is lost with that error',
    server: { protocol: 'stream', onEof: { returns: false, do: ['raise'] } },
    client: [end(), awaitTrace('connectionLost'), awaitEnd()],
  },
  {
    name: 'pauseWriting raises: reported only, the connection goes on',
    server: {
      protocol: 'stream',
      onConnect: [`writeFill:${PAUSING_WRITE}`],
      onPauseWriting: ['raise'],
    },
    clientReads: false,
    client: [awaitTrace('pauseWriting'), readUntil(PAUSING_WRITE), end(), awaitEnd()],
  },
]

/** Runs `scenario` against the server `start` gives and returns what its protocol recorded. */
async function run(
  start: (behaviour: Behaviour) => Promise<ServerSide>,
  scenario: Scenario,
): Promise<SideRun> {
  const side = cleanup.add(await start(scenario.server), (s) => s.stop())
  const client = cleanup.add(await RawClient.connect(side, scenario.clientReads ?? true), (c) =>
    c.socket.destroy(),
  )
  for (const step of scenario.client) {
    try {
      await step.run(client)
    } catch (error) {
      if (error instanceof Error) {
        error.message = `${side.label}, at step "${step.label}": ${error.message}`
      }
      throw error
    }
  }
  await side.log.waitFor('connectionLost')
  // Once the server has let go of the socket, nothing more can be recorded: the trace is complete.
  client.socket.destroy()
  await side.released()
  await side.stop()
  const trace = side.log.events
  const ports = { server: side.port, client: client.port }
  return { label: side.label, trace, client, normalised: normalise(trace, ports) }
}

/** What both sides must keep on their own: the contract, and no byte the client did not send. */
function checkSide(scenario: Scenario, side: SideRun): void {
  expect(contractViolations(side.trace), `${side.label} broke the contract`).toEqual([])
  // Whatever was delivered is what the client sent, from its first byte: no stale bytes.
  const bytes = delivered(side.trace)
  expect(bytes, `${side.label} delivered other bytes`).toBe(side.client.sent.slice(0, bytes.length))
  scenario.check?.(side)
}

describe.each(SCENARIOS)(
  'side by side with asyncio: $name',
  { timeout: SCENARIO_TIMEOUT_MS },
  (scenario) => {
    // The reference run, made once and shared by both tests.
    let reference: Promise<SideRun> | undefined
    const asyncioRun = (): Promise<SideRun> => (reference ??= run(startAsyncio, scenario))

    it('asyncio, the reference, keeps the contract', async () => {
      checkSide(scenario, await asyncioRun())
    })

    const bug = scenario.wirekitBug?.applies === true ? scenario.wirekitBug.difference : undefined
    const test = bug === undefined ? it : it.fails
    const pinned = bug === undefined ? '' : ` (fails until fixed: ${bug})`
    test(`wirekit keeps the contract and calls back as asyncio does${pinned}`, async () => {
      const asyncio = await asyncioRun()
      const wirekit = await run(startWirekit, scenario)
      checkSide(scenario, wirekit)
      expect(wirekit.normalised).toEqual(asyncio.normalised)
    })
  },
)
