import type { Socket } from 'node:dgram'
import type { DatagramAddress, DatagramExtraInfo, WriteBufferLimits } from '@wirekit/protocol-core'

/** The extra information a UDP transport gives: `socket` is the `dgram.Socket` itself. */
export interface UDPExtraInfo extends DatagramExtraInfo {
  /** The endpoint's socket. Sending, receiving or closing through it directly breaks the transport. */
  socket: Socket
}

/** Where an endpoint is bound (asyncio's `local_addr`). */
export interface UDPLocalAddress {
  /** The local IP address or host name, such as `'127.0.0.1'`, `'::1'` or `'0.0.0.0'` (every interface). */
  readonly address: string
  /**
   * The local port; 0 picks a free one.
   * @default 0
   */
  readonly port?: number
}

/**
 * Multicast settings applied once the socket is bound. Sending to a group needs none of them
 * (a group address is an address); receiving needs `groups`.
 * @see {@link https://nodejs.org/api/dgram.html#socketaddmembershipmulticastaddress-multicastinterface | socket.addMembership()}
 */
export interface UDPMulticastOptions {
  /** The groups to join, such as `'239.255.0.1'` (`socket.addMembership`), on `interface`. */
  readonly groups?: readonly string[]
  /**
   * The local interface, by its address, to join the groups on and to send multicast from
   * (`socket.setMulticastInterface`); the system's choice by default.
   */
  readonly interface?: string
  /**
   * How many hops outgoing multicast may take (`socket.setMulticastTTL`); 0 keeps it on this host.
   * @default 1
   */
  readonly ttl?: number
  /**
   * Whether multicast sent from here is also delivered to this host's members
   * (`socket.setMulticastLoopback`).
   * @default true
   */
  readonly loopback?: boolean
}

/**
 * Options of {@link createDatagramEndpoint}, asyncio's `create_datagram_endpoint` with Node's
 * names. At least one of `localAddress`, `remoteAddress` and `family` is needed.
 * @see {@link https://nodejs.org/api/dgram.html#dgramcreatesocketoptions-callback | dgram.createSocket()}
 */
export interface UDPEndpointOptions {
  /**
   * Where to bind. Without it the socket is bound to every interface (`0.0.0.0` or `::`) on a free
   * port, as the system does for a socket that sends before it is bound.
   */
  localAddress?: UDPLocalAddress
  /**
   * Connects the endpoint (asyncio's `remote_addr`): `sendto()` then takes no address (or only
   * this one), only this peer's datagrams are received, and an ICMP port unreachable from it
   * reaches `errorReceived` as `ECONNREFUSED`. A host name is resolved once, here.
   */
  remoteAddress?: DatagramAddress
  /**
   * The IP version: 4 (`udp4`) or 6 (`udp6`). By default, that of `remoteAddress`, else of
   * `localAddress` (resolving a host name if need be).
   */
  family?: 4 | 6
  /**
   * Lets several sockets bind the same address and port (`SO_REUSEPORT`): the system spreads
   * incoming datagrams among them. Needs Node.js 22.12 or later (an `UnsupportedOptionError`
   * otherwise), as asyncio raises when the platform lacks it. There is no `reuseAddress`: asyncio
   * removed it for UDP, since it lets another process steal the port.
   * @default false
   */
  reusePort?: boolean
  /**
   * Allows sending to broadcast addresses (`SO_BROADCAST`); without it they fail with `EACCES`.
   * @default false
   * @see {@link https://nodejs.org/api/dgram.html#socketsetbroadcastflag | socket.setBroadcast()}
   */
  allowBroadcast?: boolean
  /**
   * The socket's receive buffer (`SO_RCVBUF`), in bytes; Linux doubles it and caps it at
   * `net.core.rmem_max`. Datagrams that arrive while it is full are dropped by the system.
   * @see {@link https://nodejs.org/api/dgram.html#socketsetrecvbuffersizesize | socket.setRecvBufferSize()}
   */
  recvBufferSize?: number
  /**
   * The socket's send buffer (`SO_SNDBUF`), in bytes.
   * @see {@link https://nodejs.org/api/dgram.html#socketsetsendbuffersizesize | socket.setSendBufferSize()}
   */
  sendBufferSize?: number
  /** Multicast groups to join, and how to send multicast. */
  multicast?: UDPMulticastOptions
  /** The water marks the transport starts with (see `setWriteBufferLimits`). */
  writeBufferLimits?: Partial<WriteBufferLimits>
  /**
   * Told of every error a protocol callback throws (a `ProtocolCallbackError` naming the callback
   * and the peer). The endpoint is aborted whatever this does, unless the callback was
   * `pauseWriting`, `resumeWriting` or `connectionLost`.
   * @default one line on standard error
   */
  onError?: (error: Error) => void
  /**
   * Told of misuse that does no harm, such as datagrams that keep coming after a close.
   * @default `process.emitWarning`
   */
  onWarning?: (message: string) => void
}
