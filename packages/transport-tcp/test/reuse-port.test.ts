import { afterEach, describe, expect, it } from 'vitest'
import { reusePortSupported, UnsupportedOptionError } from '@wirekit/protocol-core'
import { createServer } from '../src/index.ts'
import { Cleanup, portOf, Recorder, serveCollecting } from './helpers.ts'

const cleanup = new Cleanup()
afterEach(() => cleanup.run())

describe('reusePort', () => {
  it.runIf(reusePortSupported())('lets two servers listen on one port', async () => {
    const { server: first } = await serveCollecting(cleanup, () => new Recorder(), {
      reusePort: true,
    })
    const { server: second } = await serveCollecting(cleanup, () => new Recorder(), {
      reusePort: true,
      port: portOf(first),
    })
    expect(portOf(second)).toBe(portOf(first))
  })

  it.runIf(!reusePortSupported())(
    'is refused on a Node without it, with a typed error',
    async () => {
      const attempt = createServer(() => new Recorder(), { host: '127.0.0.1', reusePort: true })
      await expect(attempt).rejects.toBeInstanceOf(UnsupportedOptionError)
      await expect(attempt).rejects.toMatchObject({
        code: 'ERR_UNSUPPORTED_OPTION',
        option: 'reusePort',
      })
    },
  )

  it("listens with 'if-supported' on every Node (without it where it is missing)", async () => {
    const { server } = await serveCollecting(cleanup, () => new Recorder(), {
      reusePort: 'if-supported',
    })
    expect(portOf(server)).toBeGreaterThan(0)
    const second = createServer(() => new Recorder(), {
      host: '127.0.0.1',
      port: portOf(server),
      reusePort: 'if-supported',
    })
    if (reusePortSupported()) {
      const other = await second
      cleanup.add(other, (s) => s.close())
    } else {
      await expect(second).rejects.toMatchObject({ code: 'EADDRINUSE' })
    }
  })
})
