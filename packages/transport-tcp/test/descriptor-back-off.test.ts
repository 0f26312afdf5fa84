import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DescriptorBackOff } from '../src/descriptor-back-off.ts'
import { descriptorLimit } from '../src/descriptor-limit.ts'

/** A process with `limit` descriptors whose open count the test sets; counts are tallied. */
function fakeDescriptors(limit: number, open: number) {
  const state = { open, systemFree: Infinity, counts: 0 }
  return {
    state,
    descriptors: {
      limit,
      count: () => {
        state.counts += 1
        return { open: state.open, systemFree: state.systemFree }
      },
    },
  }
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['performance'] })
})
afterEach(() => {
  vi.useRealTimers()
})

describe('DescriptorBackOff', () => {
  it('refuses from limit - reserve open descriptors, resumes at limit - 2 × reserve, reporting once each way', () => {
    // limit 1000: reserve 50, so refuse from 950, resume at 900 or fewer.
    const { state, descriptors } = fakeDescriptors(1000, 940)
    const reports: string[] = []
    const backOff = new DescriptorBackOff(descriptors, (message) => reports.push(message))
    for (let i = 0; i < 9; i += 1) {
      state.open += 1
      expect(backOff.admit()).toBe(true)
    }
    state.open += 1 // 950
    expect(backOff.admit()).toBe(false)
    expect(backOff.backingOff).toBe(true)
    expect(reports).toEqual([
      '950 of 1000 file descriptors open (ulimit -n): refusing new connections until some close',
    ])
    for (let i = 0; i < 20; i += 1) {
      vi.advanceTimersByTime(200)
      expect(backOff.admit()).toBe(false)
    }
    state.open = 901
    vi.advanceTimersByTime(200)
    backOff.released()
    expect(backOff.backingOff).toBe(true)
    state.open = 900
    vi.advanceTimersByTime(200)
    backOff.released()
    expect(backOff.backingOff).toBe(false)
    expect(reports).toHaveLength(2)
    expect(reports[1]).toBe(
      '900 of 1000 file descriptors open: accepting connections again (21 refused meanwhile)',
    )
    expect(backOff.admit()).toBe(true)
  })

  it('while backing off, counts every 100 ms, or when closes bring the estimate to the resume mark', () => {
    // limit 100: reserve 5, refuse from 95, resume at 90.
    const { state, descriptors } = fakeDescriptors(100, 96)
    const backOff = new DescriptorBackOff(descriptors, () => undefined)
    expect(backOff.admit()).toBe(false)
    const counted = state.counts
    for (let i = 0; i < 50; i += 1) {
      backOff.admit()
    }
    expect(state.counts).toBe(counted)
    vi.advanceTimersByTime(100)
    backOff.admit()
    expect(state.counts).toBe(counted + 1)
    // Six closes take the estimate from 96 to 90: then a count, which finds them gone.
    for (let i = 0; i < 5; i += 1) {
      backOff.released()
    }
    expect(state.counts).toBe(counted + 1)
    state.open = 90
    backOff.released()
    expect(state.counts).toBe(counted + 2)
    expect(backOff.backingOff).toBe(false)
  })

  it('far from the limit, counts every 10 s, not per connection; past 3/4 of it, every 100 ms', () => {
    const { state, descriptors } = fakeDescriptors(10_000, 20)
    const backOff = new DescriptorBackOff(descriptors, () => undefined)
    for (let i = 0; i < 1000; i += 1) {
      expect(backOff.admit()).toBe(true)
    }
    expect(state.counts).toBe(1)
    vi.advanceTimersByTime(9999)
    backOff.admit()
    expect(state.counts).toBe(1)
    vi.advanceTimersByTime(1)
    backOff.admit()
    expect(state.counts).toBe(2)
    state.open = 7600
    vi.advanceTimersByTime(10_000)
    backOff.admit()
    expect(state.counts).toBe(3)
    for (let i = 0; i < 100; i += 1) {
      backOff.admit()
    }
    expect(state.counts).toBe(3)
    vi.advanceTimersByTime(100)
    backOff.admit()
    expect(state.counts).toBe(4)
  })

  it('keeps a reserve of at least 4 and at most 64 descriptors', () => {
    const small = fakeDescriptors(40, 36)
    expect(new DescriptorBackOff(small.descriptors, () => undefined).admit()).toBe(false)
    const large = fakeDescriptors(100_000, 99_935)
    expect(new DescriptorBackOff(large.descriptors, () => undefined).admit()).toBe(true)
    large.state.open = 99_936
    expect(new DescriptorBackOff(large.descriptors, () => undefined).admit()).toBe(false)
  })
})

describe('DescriptorBackOff and the system file table (ENFILE)', () => {
  it('backs off when the system has fewer entries left than the reserve, and says which limit', () => {
    const { state, descriptors } = fakeDescriptors(1000, 100)
    const reports: string[] = []
    const backOff = new DescriptorBackOff(descriptors, (message) => reports.push(message))
    state.systemFree = 50
    vi.advanceTimersByTime(10_000)
    expect(backOff.admit()).toBe(false)
    expect(reports).toEqual([
      "the system's file table has 50 entries left (ENFILE ahead): refusing new connections until some close",
    ])
    state.systemFree = 100
    vi.advanceTimersByTime(100)
    expect(backOff.admit()).toBe(true)
    expect(reports[1]).toBe(
      "the system's file table has 100 entries left (ENFILE ahead): accepting connections again (1 refused meanwhile)",
    )
  })
})

describe('descriptorLimit', () => {
  it('reads this process’s soft limit, its open descriptors and the system’s free entries from /proc', () => {
    const limit = descriptorLimit()
    expect(limit).toBeDefined()
    const count = limit?.count()
    expect(count?.open).toBeGreaterThan(2)
    expect(count?.open).toBeLessThan(limit?.limit ?? 0)
    expect(count?.systemFree).toBeGreaterThan(0)
  })
})
