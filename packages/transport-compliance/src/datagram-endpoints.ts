import type { DatagramTransport } from '@wirekit/protocol-core'
import type { DatagramHarness, DatagramHarnessEndpoints } from './datagram-harness.ts'
import { DatagramRecordingProtocol } from './datagram-recording-protocol.ts'
import type { HarnessTransportOptions } from './harness.ts'

/** How one endpoint opened by {@link DatagramEndpointTracker.open} is set up. */
export interface DatagramSideSetup<TProtocol extends DatagramRecordingProtocol> {
  /** Makes the endpoint's recorder; a plain {@link DatagramRecordingProtocol} by default. */
  readonly protocol?: () => TProtocol
  /** The endpoint's water marks. */
  readonly writeBufferLimits?: HarnessTransportOptions['writeBufferLimits']
}

/** One endpoint: its recorder, its transport, and what it reported. */
export interface DatagramSide<
  TProtocol extends DatagramRecordingProtocol = DatagramRecordingProtocol,
> {
  readonly protocol: TProtocol
  /** The transport given to the recorder's `connectionMade`. */
  readonly transport: DatagramTransport
  /** Every error the transport reported through `onError`. */
  readonly errors: Error[]
  /** Every warning the transport reported through `onWarning`. */
  readonly warnings: string[]
}

/** A client and a server endpoint opened for a test. */
export interface OpenDatagramEndpoints {
  readonly client: DatagramSide
  readonly server: DatagramSide
}

/**
 * Opens endpoints through a harness for the tests of one suite, and disposes of them and checks
 * their recorders' call order after each test.
 */
export class DatagramEndpointTracker {
  readonly #harness: DatagramHarness
  readonly #open: DatagramHarnessEndpoints[] = []
  readonly #recorders: DatagramRecordingProtocol[] = []

  constructor(harness: DatagramHarness) {
    this.#harness = harness
  }

  /** Opens a client (connected unless `connected: false`) and a server endpoint. */
  async open(
    setup: {
      connected?: boolean
      client?: DatagramSideSetup<DatagramRecordingProtocol>
      server?: DatagramSideSetup<DatagramRecordingProtocol>
    } = {},
  ): Promise<OpenDatagramEndpoints> {
    const sides = { client: newSide(), server: newSide() }
    const made: { client?: DatagramRecordingProtocol; server?: DatagramRecordingProtocol } = {}
    const make = (name: 'client' | 'server') => (): DatagramRecordingProtocol => {
      const factory = setup[name]?.protocol
      const protocol = factory === undefined ? new DatagramRecordingProtocol() : factory()
      this.#recorders.push(protocol)
      made[name] = protocol
      return protocol
    }
    const options = (name: 'client' | 'server'): HarnessTransportOptions => {
      const limits = setup[name]?.writeBufferLimits
      return {
        ...(limits === undefined ? {} : { writeBufferLimits: limits }),
        onError: (error) => sides[name].errors.push(error),
        onWarning: (message) => sides[name].warnings.push(message),
      }
    }
    const endpoints = await this.#harness.open({
      client: make('client'),
      server: make('server'),
      connected: setup.connected ?? true,
      clientOptions: options('client'),
      serverOptions: options('server'),
    })
    this.#open.push(endpoints)
    const side = (name: 'client' | 'server'): DatagramSide => {
      const protocol = made[name]
      if (protocol === undefined) {
        throw new Error(`harness ${this.#harness.name} did not call the ${name} factory`)
      }
      if (protocol.transport === undefined) {
        throw new Error(
          `harness ${this.#harness.name} resolved before the ${name}'s connectionMade`,
        )
      }
      return { protocol, transport: protocol.transport, ...sides[name] }
    }
    return { client: side('client'), server: side('server') }
  }

  /** Keeps a recorder made outside {@link DatagramEndpointTracker.open} (say, for `setProtocol`). */
  track<T extends DatagramRecordingProtocol>(protocol: T): T {
    this.#recorders.push(protocol)
    return protocol
  }

  /**
   * Disposes of every endpoint of the test, then returns the order violations its recorders saw
   * (each prefixed with the recorder's index) and forgets them.
   */
  async finish(): Promise<string[]> {
    const open = this.#open.splice(0)
    await Promise.all(open.map((endpoints) => endpoints.dispose()))
    const recorders = this.#recorders.splice(0)
    return recorders.flatMap((recorder, index) =>
      recorder.violations.map((violation) => `protocol ${index}: ${violation}`),
    )
  }
}

function newSide(): { errors: Error[]; warnings: string[] } {
  return { errors: [], warnings: [] }
}
