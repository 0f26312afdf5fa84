import { realpathSync } from 'node:fs'
import { tmpdir } from 'node:os'
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
      'the process ended before printing /never/ on stderr:\nbye',
    )
  })

  it('runs in a folder and an environment of its own, and waits on standard output too', async () => {
    const started = startProcess(
      process.execPath,
      ['-e', 'process.stdout.write(process.cwd() + " " + process.env.WIREKIT_PROBE)'],
      undefined,
      { cwd: tmpdir(), env: { WIREKIT_PROBE: 'probe' } },
    )
    expect(await started.waitForStdout(/ (probe)$/)).toBe('probe')
    expect((await started.finished).stdout.toString()).toBe(`${realpathSync(tmpdir())} probe`)
  })

  it('signals a whole process group when started with group', async () => {
    // A shell that starts a grandchild and waits: the signal must reach the grandchild too.
    const started = startProcess(
      'sh',
      [
        '-c',
        `"${process.execPath}" -e "process.on('SIGTERM', () => { console.log('grandchild got SIGTERM'); process.exit(0) }); console.log('ready'); setInterval(() => {}, 1000)"; echo shell done`,
      ],
      undefined,
      { group: true },
    )
    await started.waitForStdout(/ready/)
    started.kill('SIGTERM')
    const finished = await started.finished
    expect(finished.stdout.toString()).toContain('grandchild got SIGTERM')
    started.kill('SIGTERM') // the group is gone: nothing happens
  })
})
