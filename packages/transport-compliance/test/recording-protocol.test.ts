import type { Transport } from '@wirekit/protocol-core'
import { describe, expect, it } from 'vitest'
import { BufferedRecordingProtocol, RecordingProtocol } from '../src/index.ts'

/**
 * The recorder only asks its transport whether it is closing and how much it buffers, and
 * passes pause/resume on: a stand-in is enough to check its bookkeeping without a connection.
 */
function standInTransport(): Transport & { closing: boolean; reading: boolean } {
  const transport = {
    closing: false,
    reading: true,
    isClosing: () => transport.closing,
    getWriteBufferSize: () => 0,
    pauseReading: () => {
      transport.reading = false
    },
    resumeReading: () => {
      transport.reading = true
    },
  }
  return transport as unknown as Transport & { closing: boolean; reading: boolean }
}

const chunk = Uint8Array.of(1, 2, 3)

describe('RecordingProtocol', () => {
  it('records a correct run without violations, and keeps owned copies of the data', () => {
    const protocol = new RecordingProtocol()
    protocol.connectionMade(standInTransport())
    const data = Uint8Array.of(7, 8)
    protocol.dataReceived(data)
    data.fill(0)
    protocol.dataReceived(chunk)
    expect(protocol.eofReceived()).toBe(false)
    protocol.connectionLost(undefined)
    expect(protocol.names()).toEqual([
      'connectionMade',
      'dataReceived',
      'dataReceived',
      'eofReceived',
      'connectionLost',
    ])
    expect(protocol.received()).toEqual(Uint8Array.of(7, 8, 1, 2, 3))
    expect(protocol.receivedLength()).toBe(5)
    expect(protocol.violations).toEqual([])
  })

  it('flags callbacks before connectionMade, after connectionLost, and twice where once is the rule', () => {
    const protocol = new RecordingProtocol()
    protocol.dataReceived(chunk)
    protocol.connectionMade(standInTransport())
    protocol.eofReceived()
    protocol.eofReceived()
    protocol.dataReceived(chunk)
    protocol.connectionLost(undefined)
    protocol.connectionLost(undefined)
    expect(protocol.violations).toEqual([
      'dataReceived before connectionMade',
      'connectionMade after dataReceived',
      'a second eofReceived',
      'dataReceived after eofReceived',
      'connectionLost after connectionLost',
    ])
  })

  it('flags empty chunks, data while paused or closing, and a resume without a pause', () => {
    const transport = standInTransport()
    const protocol = new RecordingProtocol()
    protocol.connectionMade(transport)
    protocol.dataReceived(new Uint8Array(0))
    protocol.pauseReading()
    expect(transport.reading).toBe(false)
    protocol.dataReceived(chunk)
    protocol.resumeReading()
    protocol.resumeWriting()
    transport.closing = true
    protocol.dataReceived(chunk)
    expect(protocol.violations).toEqual([
      'an empty dataReceived',
      'dataReceived after pauseReading()',
      'resumeWriting without a pauseWriting',
      'dataReceived while the transport is closing',
    ])
  })

  it('flags a connectionLost made from inside another callback', () => {
    const protocol = new RecordingProtocol({
      dataReceived: () => {
        protocol.connectionLost(undefined)
      },
    })
    protocol.connectionMade(standInTransport())
    protocol.dataReceived(chunk)
    expect(protocol.violations).toEqual(['connectionLost called inside another callback'])
  })

  it('resolves waitFor and waitForBytes when the callbacks come, and at once if they came', async () => {
    const protocol = new RecordingProtocol()
    const made = protocol.waitFor('connectionMade')
    const bytes = protocol.waitForBytes(6)
    protocol.connectionMade(standInTransport())
    await made
    protocol.dataReceived(chunk)
    protocol.dataReceived(chunk)
    await bytes
    await protocol.waitFor('dataReceived', 2)
    expect(protocol.receivedLength()).toBe(6)
  })

  it('lets a hook throw through to the transport, after recording the callback', () => {
    const thrown = new Error('boom')
    const protocol = new RecordingProtocol({
      dataReceived: () => {
        throw thrown
      },
    })
    protocol.connectionMade(standInTransport())
    expect(() => {
      protocol.dataReceived(chunk)
    }).toThrow(thrown)
    expect(protocol.count('dataReceived')).toBe(1)
  })
})

describe('BufferedRecordingProtocol', () => {
  it('hands out its buffer and records each bufferUpdated as dataReceived of those bytes', () => {
    const protocol = new BufferedRecordingProtocol(4)
    protocol.connectionMade(standInTransport())
    protocol.getBuffer(100).set(Uint8Array.of(9, 8, 7))
    protocol.bufferUpdated(3)
    protocol.getBuffer(100).set(Uint8Array.of(6))
    protocol.bufferUpdated(1)
    expect(protocol.getBufferCalls).toBe(2)
    expect(protocol.received()).toEqual(Uint8Array.of(9, 8, 7, 6))
    expect(protocol.violations).toEqual([])
  })

  it('flags a bufferUpdated of more than its buffer or of nothing', () => {
    const protocol = new BufferedRecordingProtocol(4)
    protocol.connectionMade(standInTransport())
    protocol.getBuffer(4)
    protocol.bufferUpdated(5)
    expect(protocol.violations[0]).toBe('bufferUpdated(5) with a buffer of 4')
    protocol.bufferUpdated(0)
    expect(protocol.violations).toContain('bufferUpdated(0) with a buffer of 4')
  })
})
