import { describe, expect, it } from 'vitest'
import { resolveWriteBufferLimits, WriteFlowControl } from '../src/index.ts'

function recorded(): { flow: WriteFlowControl; calls: string[] } {
  const calls: string[] = []
  const flow = new WriteFlowControl({
    onPauseWriting: () => calls.push('pause'),
    onResumeWriting: () => calls.push('resume'),
  })
  return { flow, calls }
}

describe('resolveWriteBufferLimits', () => {
  it('defaults to high 64 KiB and low = high / 4, as asyncio', () => {
    expect(resolveWriteBufferLimits()).toEqual({ high: 65536, low: 16384 })
    expect(resolveWriteBufferLimits({ high: 1001 })).toEqual({ high: 1001, low: 250 })
  })

  it('takes high = 4 × low when only low is given', () => {
    expect(resolveWriteBufferLimits({ low: 1000 })).toEqual({ high: 4000, low: 1000 })
    expect(resolveWriteBufferLimits({ low: 0 })).toEqual({ high: 0, low: 0 })
  })

  it('accepts high = low and zero', () => {
    expect(resolveWriteBufferLimits({ high: 10, low: 10 })).toEqual({ high: 10, low: 10 })
    expect(resolveWriteBufferLimits({ high: 0 })).toEqual({ high: 0, low: 0 })
  })

  it('refuses high < low, negative, fractional and non-numeric limits', () => {
    expect(() => resolveWriteBufferLimits({ high: 9, low: 10 })).toThrow(RangeError)
    expect(() => resolveWriteBufferLimits({ high: 9, low: 10 })).toThrow(
      'write buffer limits need high >= low, got high 9 and low 10',
    )
    expect(() => resolveWriteBufferLimits({ high: -1 })).toThrow(RangeError)
    expect(() => resolveWriteBufferLimits({ low: -1 })).toThrow(
      'low must be an integer >= 0, got -1',
    )
    expect(() => resolveWriteBufferLimits({ high: 1.5 })).toThrow(RangeError)
    expect(() => resolveWriteBufferLimits({ high: Number.NaN })).toThrow(RangeError)
    expect(() => resolveWriteBufferLimits({ high: '1' as never })).toThrow(TypeError)
  })
})

describe('WriteFlowControl', () => {
  it('pauses once when the size goes strictly above high', () => {
    const { flow, calls } = recorded()
    flow.setLimits({ high: 100, low: 25 }, 0)
    flow.update(100)
    expect(calls).toEqual([])
    flow.update(101)
    expect(calls).toEqual(['pause'])
    flow.update(500)
    flow.update(101)
    expect(calls).toEqual(['pause'])
    expect(flow.paused).toBe(true)
  })

  it('resumes once when the size falls to low, not above it', () => {
    const { flow, calls } = recorded()
    flow.setLimits({ high: 100, low: 25 }, 0)
    flow.update(101)
    flow.update(26)
    expect(calls).toEqual(['pause'])
    flow.update(25)
    expect(calls).toEqual(['pause', 'resume'])
    flow.update(0)
    expect(calls).toEqual(['pause', 'resume'])
    expect(flow.paused).toBe(false)
  })

  it('never resumes without a pause', () => {
    const { flow, calls } = recorded()
    flow.update(0)
    flow.update(65536)
    flow.update(0)
    expect(calls).toEqual([])
  })

  it('pauses at once when the limits are lowered below what is buffered', () => {
    const { flow, calls } = recorded()
    flow.update(5000)
    expect(calls).toEqual([])
    flow.setLimits({ high: 4999 }, 5000)
    expect(calls).toEqual(['pause'])
    expect(flow.limits).toEqual({ high: 4999, low: 1249 })
  })

  it('keeps the old limits when new ones are refused', () => {
    const { flow } = recorded()
    expect(() => flow.setLimits({ high: 1, low: 2 }, 0)).toThrow(RangeError)
    expect(flow.limits).toEqual({ high: 65536, low: 16384 })
  })

  it('pauses and resumes again on the next crossing', () => {
    const { flow, calls } = recorded()
    flow.setLimits({ high: 10, low: 5 }, 0)
    for (const size of [11, 5, 11, 0]) {
      flow.update(size)
    }
    expect(calls).toEqual(['pause', 'resume', 'pause', 'resume'])
  })
})
