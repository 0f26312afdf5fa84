import { describe, expect, it } from 'vitest'
import { literalFirstLookup } from '../src/literal-lookup.ts'

describe('literalFirstLookup', () => {
  it('answers an IP address at once, with its own family', () => {
    const answers: unknown[] = []
    for (const [address, family] of [
      ['127.0.0.1', 4],
      ['::1', 6],
      ['127.0.0.1', 6], // the family of the address, as dns.lookup gives it
    ] as const) {
      literalFirstLookup(address, family, (error, found, foundFamily) => {
        answers.push([error, found, foundFamily])
      })
    }
    expect(answers).toEqual([
      [null, '127.0.0.1', 4],
      [null, '::1', 6],
      [null, '127.0.0.1', 4],
    ])
  })

  it('asks dns.lookup for a host name, answering later', async () => {
    let answer: unknown
    const answered = new Promise<void>((resolve) => {
      literalFirstLookup('localhost', 4, (error, address, family) => {
        answer = [error, address, family]
        resolve()
      })
    })
    expect(answer).toBeUndefined()
    await answered
    expect(answer).toEqual([null, '127.0.0.1', 4])
  })
})
