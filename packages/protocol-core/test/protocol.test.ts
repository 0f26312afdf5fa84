import { describe, expect, expectTypeOf, it } from 'vitest'
import {
  BufferedProtocol,
  isBufferedProtocol,
  isTransport,
  NetworkError,
  Protocol,
  ProtocolCallbackError,
  transportSymbol,
  WriteAfterEofError,
  type StreamProtocolCallbacks,
  type Transport,
} from '../src/index.ts'

describe('Protocol', () => {
  it('has no-op callbacks, keeps its transport, and closes on EOF by default', () => {
    const protocol = new Protocol()
    const transport = { [transportSymbol]: true } as unknown as Transport
    protocol.connectionMade(transport)
    expect(protocol.transport).toBe(transport)
    expect(protocol.eofReceived()).toBe(false)
    expect(() => {
      protocol.dataReceived(new Uint8Array(1))
      protocol.pauseWriting()
      protocol.resumeWriting()
      protocol.connectionLost(undefined)
    }).not.toThrow()
    expectTypeOf(protocol).toExtend<StreamProtocolCallbacks>()
  })

  it('turns a misspelt callback into a compile error (the seed defines connnection_lost)', () => {
    class EchoClient extends Protocol {
      // @ts-expect-error -- 'connnectionLost' is not a callback of Protocol, so it cannot be overridden
      override connnectionLost(): void {
        // never called: the point is that this does not compile
      }
    }
    expect(new EchoClient()).toBeInstanceOf(Protocol)
  })

  it('tells buffered protocols from streaming ones', () => {
    class Sink extends BufferedProtocol {
      override getBuffer(): Uint8Array {
        return new Uint8Array(16)
      }
      override bufferUpdated(): void {
        // counts nothing
      }
    }
    expect(isBufferedProtocol(new Sink())).toBe(true)
    expect(isBufferedProtocol(new Protocol())).toBe(false)
  })
})

describe('isTransport', () => {
  it('recognises the Symbol.for brand and nothing else', () => {
    expect(isTransport({ [Symbol.for('@wirekit/transport')]: true })).toBe(true)
    expect(isTransport({})).toBe(false)
    expect(isTransport(null)).toBe(false)
    expect(isTransport('transport')).toBe(false)
  })
})

describe('errors', () => {
  it('name themselves, keep a code and chain their cause', () => {
    const cause = new Error('boom')
    const callbackError = new ProtocolCallbackError('dataReceived', '::1 port 5', cause)
    expect(callbackError).toMatchObject({
      name: 'ProtocolCallbackError',
      code: 'ERR_PROTOCOL_CALLBACK',
      callback: 'dataReceived',
      peer: '::1 port 5',
      cause,
      message: 'dataReceived() threw (peer ::1 port 5): boom',
    })
    expect(new ProtocolCallbackError('eofReceived', undefined, 'text').message).toBe(
      'eofReceived() threw: text',
    )
    expect(new WriteAfterEofError()).toMatchObject({
      name: 'WriteAfterEofError',
      code: 'ERR_WRITE_AFTER_EOF',
    })
    const network = new NetworkError(
      'connect',
      'localhost',
      10000,
      'ECONNREFUSED',
      'connection refused',
    )
    expect(network.message).toBe(
      'cannot connect to localhost port 10000: connection refused (ECONNREFUSED)',
    )
    expect(ProtocolCallbackError.name).toBe('ProtocolCallbackError')
  })
})
