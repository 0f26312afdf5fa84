import { once } from 'node:events'
import { createServer } from 'node:net'
import { describe, expect, it } from 'vitest'
import { describeDescriptorChange, readDescriptors } from '../src/process-stats.ts'

describe('readDescriptors', () => {
  it('names each descriptor of a live process: a listening socket appears, then goes', async () => {
    const before = await readDescriptors(process.pid)
    const server = createServer().listen(0, '127.0.0.1')
    await once(server, 'listening')
    const listening = await readDescriptors(process.pid)
    server.close()
    await once(server, 'close')
    const after = await readDescriptors(process.pid)
    // Sockets only, by what they are (a number may be reused): the test runner may open and
    // close other descriptors meanwhile.
    const known = new Set(before.values())
    const newSockets = (now: Map<number, string>): string[] =>
      [...now.values()].filter((target) => target.startsWith('socket:') && !known.has(target))
    expect(newSockets(listening)).toEqual([expect.stringMatching(/^socket:\[\d+\]$/)])
    expect(newSockets(after)).toEqual([])
  })
})

describe('describeDescriptorChange', () => {
  const before = new Map([
    [0, 'pipe:[1]'],
    [19, 'socket:[812]'],
  ])

  it('says which descriptors were opened and closed, a reused number as both', () => {
    const after = new Map([
      [0, 'pipe:[1]'],
      [19, 'socket:[900]'],
      [21, 'anon_inode:[eventfd]'],
    ])
    expect(describeDescriptorChange(before, after)).toBe(
      'opened 19 socket:[900], 21 anon_inode:[eventfd]; closed 19 socket:[812]',
    )
  })

  it('says when nothing changed', () => {
    expect(describeDescriptorChange(before, new Map(before))).toBe('the same descriptors')
  })
})
