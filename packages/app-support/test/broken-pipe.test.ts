import { spawn } from 'node:child_process'
import { EventEmitter, once } from 'node:events'
import { describe, expect, it, vi } from 'vitest'
import { onBrokenPipe } from '../src/index.ts'

function errorWithCode(code: string): Error {
  return Object.assign(new Error(`write ${code}`), { code })
}

describe('onBrokenPipe', () => {
  it('calls back once for EPIPE, however many writes fail after it', () => {
    const stream = new EventEmitter()
    const onClosed = vi.fn<() => void>()
    onBrokenPipe(stream, onClosed)
    stream.emit('error', errorWithCode('EPIPE'))
    stream.emit('error', errorWithCode('EPIPE'))
    expect(onClosed).toHaveBeenCalledTimes(1)
  })

  it('lets any other error through', () => {
    const stream = new EventEmitter()
    const onClosed = vi.fn<() => void>()
    onBrokenPipe(stream, onClosed)
    expect(() => stream.emit('error', errorWithCode('EIO'))).toThrow('write EIO')
    expect(onClosed).not.toHaveBeenCalled()
  })
})

describe('writeStderr', () => {
  it('drops lines once the reader of standard error has gone, and the program goes on', async () => {
    // The child writes a line; this side then closes its end of the child's stderr and tells it
    // to go on: it writes 100 KiB more to stderr (EPIPE), then says on stdout that it lives.
    const entry = new URL('../dist/index.js', import.meta.url).href
    const script = `
      const { writeStderr } = await import(${JSON.stringify(entry)})
      writeStderr('first\\n')
      process.stdin.once('data', async () => {
        for (let i = 0; i < 100; i++) {
          writeStderr('x'.repeat(1024) + '\\n')
          await new Promise((resolve) => setImmediate(resolve))
        }
        process.stdout.write('still alive')
        process.stdin.destroy()
      })`
    const child = spawn(process.execPath, ['--input-type=module', '-e', script])
    const stdout: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk))
    const [first] = (await once(child.stderr, 'data')) as [Buffer]
    expect(first.toString()).toBe('first\n')
    child.stderr.destroy()
    child.stdin.write('go')
    const [code] = (await once(child, 'close')) as [number | null]
    expect(Buffer.concat(stdout).toString()).toBe('still alive')
    expect(code).toBe(0)
  })
})
