import type { DatagramProtocolCallbacks, DatagramProtocolFactory } from '@wirekit/protocol-core'
import { createDatagramEndpoint, type UDPEndpoint, type UDPEndpointOptions } from '../src/index.ts'

/** An endpoint opened by a test, and a promise of its socket's close. */
export interface OpenedEndpoint<
  TProtocol extends DatagramProtocolCallbacks,
> extends UDPEndpoint<TProtocol> {
  readonly closed: Promise<unknown>
}

const opened: OpenedEndpoint<DatagramProtocolCallbacks>[] = []

/** Opens an endpoint that {@link closeAll} aborts after the test. */
export async function open<TProtocol extends DatagramProtocolCallbacks>(
  factory: DatagramProtocolFactory<TProtocol>,
  options: UDPEndpointOptions,
): Promise<OpenedEndpoint<TProtocol>> {
  const endpoint = await createDatagramEndpoint(factory, options)
  const socket = endpoint.transport.getExtraInfo('socket')
  if (socket === undefined) {
    throw new Error('the transport has no socket')
  }
  // Not events.once(): it would reject at the first 'error' the transport reports.
  const closed = new Promise((resolve) => socket.once('close', resolve))
  const result = { ...endpoint, closed }
  opened.push(result)
  return result
}

/** Aborts every endpoint {@link open} made and waits for their sockets to close. */
export async function closeAll(): Promise<void> {
  const endpoints = opened.splice(0)
  for (const { transport } of endpoints) {
    transport.abort()
  }
  await Promise.all(endpoints.map(({ closed }) => closed))
}

/** The loopback addresses the tests run on. */
export const LOOPBACKS = ['127.0.0.1', '::1'] as const
