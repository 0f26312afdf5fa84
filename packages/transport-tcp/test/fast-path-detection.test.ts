import { afterEach, describe, expect, it, vi } from 'vitest'
import { detectFastPath, fallbackWarning, type Fallback } from '../src/fast-path-detection.ts'

const VARIABLE = 'WIREKIT_TEST_FAST_PATH'

function check(overrides: Partial<Parameters<typeof detectFastPath<'slow', 'fast'>>[0]> = {}) {
  return {
    fallback: 'slow' as const,
    variable: VARIABLE,
    missing: undefined,
    selfTest: () => Promise.resolve('fast' as const),
    roundTrip: 'a loopback round trip',
    name: 'the test self-test',
    ...overrides,
  }
}

afterEach(() => {
  vi.unstubAllEnvs()
})

describe('detectFastPath', () => {
  it('takes the fast path when the internals exist and the self-test passes', async () => {
    expect(await detectFastPath(check())).toBe('fast')
  })

  it('takes the fallback, without a warning, when the environment variable asks for it', async () => {
    vi.stubEnv(VARIABLE, 'slow')
    let ran = false
    const path = await detectFastPath(
      check({
        selfTest: () => {
          ran = true
          return Promise.resolve('fast' as const)
        },
      }),
    )
    expect(path).toEqual({ kind: 'slow', reason: `${VARIABLE}=slow`, asked: true })
    expect(ran).toBe(false)
    expect(fallbackWarning(path as Fallback<'slow'>, VARIABLE, 'x')).toBeUndefined()
  })

  it('says which internal is missing, and the warning names the variable that silences it', async () => {
    const path = await detectFastPath(check({ missing: 'net.Socket has no kBuffer' }))
    expect(path).toEqual({ kind: 'slow', reason: 'net.Socket has no kBuffer', asked: false })
    expect(fallbackWarning(path as Fallback<'slow'>, VARIABLE, 'sockets go the slow way')).toBe(
      `sockets go the slow way (net.Socket has no kBuffer); set ${VARIABLE}=slow to choose this and silence the warning`,
    )
  })

  it('falls back when the self-test fails or throws, and says so', async () => {
    expect(await detectFastPath(check({ selfTest: () => Promise.resolve(undefined) }))).toEqual({
      kind: 'slow',
      reason: `a loopback round trip failed on Node ${process.version}`,
      asked: false,
    })
    expect(
      await detectFastPath(check({ selfTest: () => Promise.reject(new Error('EPERM')) })),
    ).toEqual({ kind: 'slow', reason: 'the test self-test threw: EPERM', asked: false })
  })
})
