import { describe, expect, it } from 'vitest'
import { runNode, startProcess } from '../src/testing.ts'

describe('startProcess and runNode', () => {
  it('collects both outputs, passes the input, and reports the exit code', async () => {
    const finished = await runNode(
      [
        '-e',
        "process.stdin.pipe(process.stdout); process.stderr.write('err'); process.exitCode = 3",
      ],
      Buffer.from('in'),
    )
    expect(finished).toEqual({ code: 3, signal: null, stdout: Buffer.from('in'), stderr: 'err' })
  })

  it('waits for a line on stderr as it arrives, and gives its first group', async () => {
    const started = startProcess(process.execPath, [
      '-e',
      "process.stderr.write('noise\\n'); setTimeout(() => process.stderr.write('port 4242\\n'), 50); setTimeout(() => {}, 10000)",
    ])
    expect(await started.waitForStderr(/^port (\d+)$/m)).toBe('4242')
    started.kill()
    expect((await started.finished).signal).toBe('SIGKILL')
  })

  it('rejects the wait when the process ends without printing the line', async () => {
    const started = startProcess(process.execPath, ['-e', "process.stderr.write('bye')"])
    await expect(started.waitForStderr(/never/)).rejects.toThrow(
      'the process ended before printing /never/:\nbye',
    )
  })
})
