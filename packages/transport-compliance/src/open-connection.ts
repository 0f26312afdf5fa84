import type { Transport } from '@wirekit/protocol-core'
import type { HarnessConnection, HarnessTransportOptions, TransportHarness } from './harness.ts'
import { RecordingProtocol } from './recording-protocol.ts'

/** How one side of a connection opened by {@link ConnectionTracker.open} is set up. */
export interface SideSetup<TProtocol extends RecordingProtocol> {
  /** Makes the side's recorder; a plain {@link RecordingProtocol} by default. */
  readonly protocol?: () => TProtocol
  /** The side's water marks. */
  readonly writeBufferLimits?: HarnessTransportOptions['writeBufferLimits']
}

/** One side of an open connection: its recorder, its transport, and what it reported. */
export interface Side<TProtocol extends RecordingProtocol> {
  readonly protocol: TProtocol
  /** The transport given to the recorder's `connectionMade`. */
  readonly transport: Transport
  /** Every error the transport reported through `onError`. */
  readonly errors: Error[]
  /** Every warning the transport reported through `onWarning`. */
  readonly warnings: string[]
}

/** A connection opened for a test. */
export interface OpenConnection<
  TClient extends RecordingProtocol = RecordingProtocol,
  TServer extends RecordingProtocol = RecordingProtocol,
> {
  readonly client: Side<TClient>
  readonly server: Side<TServer>
  readonly harness: HarnessConnection
}

function sideOptions(
  setup: SideSetup<RecordingProtocol> | undefined,
  errors: Error[],
  warnings: string[],
): HarnessTransportOptions {
  return {
    ...(setup?.writeBufferLimits === undefined
      ? {}
      : { writeBufferLimits: setup.writeBufferLimits }),
    onError: (error) => errors.push(error),
    onWarning: (message) => warnings.push(message),
  }
}

/**
 * Opens connections through a harness for the tests of one suite, and closes them and checks
 * their recorders' call order after each test.
 */
export class ConnectionTracker {
  readonly #harness: TransportHarness
  readonly #open: HarnessConnection[] = []
  readonly #recorders: RecordingProtocol[] = []

  constructor(harness: TransportHarness) {
    this.#harness = harness
  }

  /** Opens a connection; resolves once both sides have had `connectionMade`. */
  async open<
    TClient extends RecordingProtocol = RecordingProtocol,
    TServer extends RecordingProtocol = RecordingProtocol,
  >(
    setup: { client?: SideSetup<TClient>; server?: SideSetup<TServer> } = {},
  ): Promise<OpenConnection<TClient, TServer>> {
    const clientErrors: Error[] = []
    const clientWarnings: string[] = []
    const serverErrors: Error[] = []
    const serverWarnings: string[] = []
    let client: TClient | undefined
    let server: TServer | undefined
    const make = <T extends RecordingProtocol>(factory: (() => T) | undefined): T => {
      const protocol = factory === undefined ? (new RecordingProtocol() as T) : factory()
      this.#recorders.push(protocol)
      return protocol
    }
    const connection = await this.#harness.connect({
      client: () => (client = make(setup.client?.protocol)),
      server: () => (server = make(setup.server?.protocol)),
      clientOptions: sideOptions(setup.client, clientErrors, clientWarnings),
      serverOptions: sideOptions(setup.server, serverErrors, serverWarnings),
    })
    this.#open.push(connection)
    if (client === undefined || server === undefined) {
      throw new Error(`harness ${this.#harness.name} did not call both protocol factories`)
    }
    const clientTransport = client.transport
    const serverTransport = server.transport
    if (clientTransport === undefined || serverTransport === undefined) {
      throw new Error(`harness ${this.#harness.name} resolved before both connectionMade calls`)
    }
    return {
      client: {
        protocol: client,
        transport: clientTransport,
        errors: clientErrors,
        warnings: clientWarnings,
      },
      server: {
        protocol: server,
        transport: serverTransport,
        errors: serverErrors,
        warnings: serverWarnings,
      },
      harness: connection,
    }
  }

  /** Keeps a recorder made outside {@link ConnectionTracker.open} (say, for `setProtocol`). */
  track<T extends RecordingProtocol>(protocol: T): T {
    this.#recorders.push(protocol)
    return protocol
  }

  /**
   * Disposes of every connection of the test, then returns the order violations its recorders
   * saw (each prefixed with the recorder's index) and forgets them.
   */
  async finish(): Promise<string[]> {
    const open = this.#open.splice(0)
    await Promise.all(open.map((connection) => connection.dispose()))
    const recorders = this.#recorders.splice(0)
    return recorders.flatMap((recorder, index) =>
      recorder.violations.map((violation) => `protocol ${index}: ${violation}`),
    )
  }
}
