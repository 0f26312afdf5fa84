import type { DatagramProtocolCallbacks } from './datagram-protocol.ts'
import {
  checkSendto,
  DATAGRAM_HEADER_SIZE,
  describeAddress,
  droppedSendsWarning,
  isSameAddress,
} from './datagram-rules.ts'
import {
  datagramTransportSymbol,
  type DatagramAddress,
  type DatagramExtraInfo,
  type DatagramTransport,
} from './datagram-transport.ts'
import type { ProtocolCallbackName } from './errors.ts'
import {
  WriteFlowControl,
  type FlowControlListener,
  type WriteBufferLimits,
} from './flow-control.ts'
import type { TransportAddress } from './transport.ts'
import { reportCallbackError } from './transport-rules.ts'

/** What an {@link AbstractDatagramTransport} reports to, and starts with. */
export interface DatagramTransportHooks {
  /**
   * Told of every error a protocol callback throws (a `ProtocolCallbackError`); the transport
   * then acts as `reportCallbackError` says.
   */
  readonly onError: (error: Error) => void
  /** Told of misuse that does no harm, such as datagrams that keep coming after a close. */
  readonly onWarning: (message: string) => void
  /** The water marks the transport starts with. */
  readonly writeBufferLimits?: Partial<WriteBufferLimits> | undefined
}

/**
 * The state machine of every wirekit datagram transport, as asyncio's `_SelectorDatagramTransport`
 * is over `_SelectorTransport`: call order, the queue count and its water marks, `close()` that
 * flushes, `abort()` that drops, dropped-send warnings, and what a callback that throws does.
 *
 * A transport extends it with the I/O only: {@link AbstractDatagramTransport.sendDatagram} and
 * {@link AbstractDatagramTransport.closeSocket}, and it reports what the socket does through
 * {@link AbstractDatagramTransport.receiveDatagram}, {@link AbstractDatagramTransport.receiveError}
 * and {@link AbstractDatagramTransport.socketClosed}. Its owner calls
 * {@link AbstractDatagramTransport.start} once, when the socket is bound (and connected).
 *
 * @example
 * ```ts
 * class LoopTransport extends AbstractDatagramTransport {
 *   protected sendDatagram(data: Uint8Array, _to: DatagramAddress | undefined, done: () => void): void {
 *     queueMicrotask(() => {
 *       done()
 *       this.receiveDatagram(data, { address: 'loop', family: 'loop', port: 1 })
 *     })
 *   }
 *   protected closeSocket(): void {
 *     queueMicrotask(() => this.socketClosed())
 *   }
 * }
 * ```
 */
export abstract class AbstractDatagramTransport<
  TExtraInfo extends DatagramExtraInfo = DatagramExtraInfo,
>
  implements DatagramTransport<TExtraInfo>, FlowControlListener
{
  readonly [datagramTransportSymbol] = true as const
  readonly #hooks: DatagramTransportHooks
  readonly #flow: WriteFlowControl
  readonly #extra: Partial<TExtraInfo>
  /** The peer of a connected transport. */
  readonly #peer: TransportAddress | undefined
  readonly #peerLabel: string | undefined
  #protocol!: DatagramProtocolCallbacks
  /** Bytes (plus a header each) handed to `sendDatagram` whose `done` has not come yet. */
  #queued = 0
  #closing = false
  #aborted = false
  #socketClosing = false
  #lost = false
  #droppedSends = 0
  /** Why the endpoint ended, for `connectionLost`: the first callback error. */
  #error: Error | undefined

  /**
   * @param protocol - The protocol to call; `connectionMade` waits for {@link AbstractDatagramTransport.start}.
   * @param extraInfo - What `getExtraInfo` gives, read once: `sockname`, `peername` (only for a
   *   connected transport: it makes the transport connected) and `socket`.
   * @param hooks - Error and warning handlers, and the starting water marks.
   */
  constructor(
    protocol: DatagramProtocolCallbacks,
    extraInfo: Partial<TExtraInfo>,
    hooks: DatagramTransportHooks,
  ) {
    this.#extra = extraInfo
    this.#peer = extraInfo.peername
    this.#peerLabel = this.#peer === undefined ? undefined : describeAddress(this.#peer)
    this.#hooks = hooks
    this.setProtocol(protocol)
    this.#flow = new WriteFlowControl(this)
    if (hooks.writeBufferLimits !== undefined) {
      this.#flow.setLimits(hooks.writeBufferLimits, 0)
    }
  }

  /** Calls `connectionMade`; the owner calls this once, when the socket is ready. */
  start(): void {
    try {
      this.#protocol.connectionMade(this)
    } catch (error) {
      this.#callbackFailed('connectionMade', error)
    }
  }

  // --- what the transport implements ---

  /**
   * Hands one datagram to the socket. Must call `done` exactly once and never before returning:
   * without an argument once the datagram has left (or the network dropped it), with the error
   * when sending failed. After {@link AbstractDatagramTransport.closeSocket} it may call `done`
   * or not.
   * @param data - The transport's own copy of the bytes (possibly empty), made by
   *   {@link AbstractDatagramTransport.copyDatagram}.
   * @param address - Where to send it; `undefined` for a connected transport's peer.
   * @param done - Tells that the datagram is no longer queued; `null` counts as no error, so that
   *   it can be a socket's callback as it is.
   */
  protected abstract sendDatagram(
    data: Uint8Array,
    address: DatagramAddress | undefined,
    done: (error?: Error | null) => void,
  ): void

  /**
   * The transport's own copy of the bytes given to `sendto()`, which the caller may change as soon
   * as it returns. A fresh `Uint8Array` here; a transport whose runtime has a cheaper allocation
   * for small copies (Node's pooled `Buffer`) overrides it.
   */
  protected copyDatagram(data: Uint8Array): Uint8Array {
    return new Uint8Array(data)
  }

  /**
   * Closes the socket; called once, when a `close()` has flushed or at `abort()`. Must lead to
   * {@link AbstractDatagramTransport.socketClosed}, never before returning.
   */
  protected abstract closeSocket(): void

  // --- what the transport reports ---

  /**
   * A datagram arrived: the protocol gets it unless the transport is closing, or it comes from
   * someone else than a connected transport's peer (left over from before the connect).
   * @param data - The bytes, owned by the protocol from now on.
   * @param address - Who sent it.
   */
  protected receiveDatagram(data: Uint8Array, address: TransportAddress): void {
    if (this.#closing || (this.#peer !== undefined && !isSameAddress(this.#peer, address))) {
      return
    }
    try {
      this.#protocol.datagramReceived(data, address)
    } catch (error) {
      this.#callbackFailed('datagramReceived', error, describeAddress(address))
    }
  }

  /**
   * Sending or receiving failed: the protocol's `errorReceived` gets the error, until the
   * transport is aborted or lost; the transport stays open.
   */
  protected receiveError(error: Error): void {
    if (this.#aborted || this.#lost) {
      return
    }
    try {
      this.#protocol.errorReceived(error)
    } catch (thrown) {
      this.#callbackFailed('errorReceived', thrown)
    }
  }

  /** The socket is closed: calls `connectionLost` once. */
  protected socketClosed(): void {
    if (this.#lost) {
      return
    }
    this.#lost = true
    this.#closing = true
    try {
      this.#protocol.connectionLost(this.#error)
    } catch (thrown) {
      this.#callbackFailed('connectionLost', thrown)
    }
  }

  // --- DatagramTransport ---

  sendto(data: Uint8Array, address?: DatagramAddress): void {
    const target = checkSendto(data, address, this.#peer)
    if (this.#closing) {
      this.#dropSend()
      return
    }
    const size = data.byteLength + DATAGRAM_HEADER_SIZE
    this.#queued += size
    this.sendDatagram(this.copyDatagram(data), target, (error) => {
      this.#sent(size, error ?? undefined)
    })
    this.#flow.update(this.#queued)
  }

  close(): void {
    if (this.#closing) {
      return
    }
    this.#closing = true
    if (this.#queued === 0) {
      this.#closeSocket()
    }
  }

  abort(): void {
    if (this.#aborted || this.#lost) {
      return
    }
    this.#closing = true
    this.#aborted = true
    this.#closeSocket()
  }

  isClosing(): boolean {
    return this.#closing
  }

  getExtraInfo<TKey extends keyof TExtraInfo>(name: TKey): TExtraInfo[TKey] | undefined
  getExtraInfo<TKey extends keyof TExtraInfo, TDefault>(
    name: TKey,
    defaultValue: TDefault,
  ): TExtraInfo[TKey] | TDefault
  getExtraInfo(name: string, defaultValue?: unknown): unknown
  getExtraInfo(name: string, defaultValue?: unknown): unknown {
    const value: unknown = Object.hasOwn(this.#extra, name)
      ? (this.#extra as Record<string, unknown>)[name]
      : undefined
    return value === undefined ? defaultValue : value
  }

  setProtocol(protocol: DatagramProtocolCallbacks): void {
    this.#protocol = protocol
  }

  getProtocol(): DatagramProtocolCallbacks {
    return this.#protocol
  }

  getWriteBufferSize(): number {
    return this.#aborted || this.#lost ? 0 : this.#queued
  }

  getWriteBufferLimits(): WriteBufferLimits {
    return this.#flow.limits
  }

  setWriteBufferLimits(limits?: Partial<WriteBufferLimits>): void {
    this.#flow.setLimits(limits, this.getWriteBufferSize())
  }

  // --- write flow control (FlowControlListener) ---

  /** Called by the flow control: tells the protocol to pause. */
  onPauseWriting(): void {
    this.#notifyFlow('pauseWriting')
  }

  /** Called by the flow control: tells the protocol to resume. */
  onResumeWriting(): void {
    this.#notifyFlow('resumeWriting')
  }

  // --- helpers ---

  #sent(size: number, error: Error | undefined): void {
    this.#queued -= size
    if (error !== undefined) {
      this.receiveError(error)
    }
    // An aborted transport dropped its queue: that is no reason to resume writing.
    if (this.#aborted || this.#lost) {
      return
    }
    this.#flow.update(this.#queued)
    if (this.#closing && this.#queued === 0) {
      this.#closeSocket()
    }
  }

  #closeSocket(): void {
    if (this.#socketClosing) {
      return
    }
    this.#socketClosing = true
    this.closeSocket()
  }

  #dropSend(): void {
    this.#droppedSends += 1
    const warning = droppedSendsWarning(this.#droppedSends, this.#peerLabel)
    if (warning !== undefined) {
      this.#hooks.onWarning(warning)
    }
  }

  #notifyFlow(name: 'pauseWriting' | 'resumeWriting'): void {
    if (this.#lost) {
      return
    }
    try {
      this.#protocol[name]?.()
    } catch (error) {
      this.#callbackFailed(name, error)
    }
  }

  /**
   * Reports a callback's error once; aborts unless the callback was about flow or the end.
   * @param peer - Who the error concerns: a datagram's sender, else a connected transport's peer.
   */
  #callbackFailed(
    name: ProtocolCallbackName,
    thrown: unknown,
    peer: string | undefined = this.#peerLabel,
  ): void {
    const fatal = reportCallbackError(name, peer, thrown, this.#hooks.onError)
    if (fatal !== undefined) {
      this.#error ??= fatal
      this.abort()
    }
  }
}
