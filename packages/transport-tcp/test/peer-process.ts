import { spawn, spawnSync, type ChildProcessByStdio } from 'node:child_process'
import type { Readable, Writable } from 'node:stream'
import type { Cleanup } from './helpers.ts'

/** How a peer process ended. */
export interface PeerExit {
  readonly code: number | null
  readonly signal: NodeJS.Signals | null
}

/**
 * A peer no one here wrote (Python asyncio, the `openssl` CLI, `socat`), run as a child process:
 * its output so far, waits on what it prints, and its end. Killed by the test's cleanup.
 */
export interface PeerProcess {
  readonly child: ChildProcessByStdio<Writable, Readable, Readable>
  /** Standard output so far, as bytes. */
  stdout(): Buffer
  /** Standard output so far, as latin1 text (one character per byte). */
  stdoutText(): string
  /** Standard error so far (UTF-8). */
  stderr(): string
  /** Resolves once the process has exited and its output is complete. */
  readonly exited: Promise<PeerExit>
  /**
   * Resolves with the match once standard output (`'stdout'`, read as latin1) or standard error
   * matches `pattern` past its first `after` characters, checked as each chunk arrives; rejects
   * if the process ends first.
   */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr', after?: number): Promise<RegExpExecArray>
  /** Resolves once standard output holds at least `size` bytes; rejects if the process ends first. */
  waitForStdoutBytes(size: number): Promise<Buffer>
}

/**
 * Starts `command` with pipes on all three streams (standard input stays open for the test to
 * write to) and registers a SIGKILL with `cleanup`, which then waits for the process to end.
 */
export function startPeer(cleanup: Cleanup, command: string, args: readonly string[]): PeerProcess {
  const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] })
  const stdout: Buffer[] = []
  let stdoutSize = 0
  let stderr = ''
  // Checks run after every chunk, on either stream; each removes itself once settled.
  const checks = new Set<() => void>()
  const runChecks = (): void => {
    for (const check of [...checks]) {
      check()
    }
  }
  child.stdout.on('data', (chunk: Buffer) => {
    stdout.push(chunk)
    stdoutSize += chunk.byteLength
    runChecks()
  })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk
    runChecks()
  })
  // A peer that exits without reading its input must not fail the test with EPIPE.
  child.stdin.on('error', () => undefined)
  let ended = false
  // 'close' comes after 'exit' and after the output streams have ended: nothing is missed.
  const exited = new Promise<PeerExit>((resolve) => {
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      ended = true
      runChecks()
      resolve({ code, signal })
    })
  })
  // A command that cannot start (not installed) ends the same way, with an error to show.
  child.once('error', (error) => {
    stderr += `\n${command}: ${error.message}\n`
  })
  cleanup.add(child, async (c) => {
    if (!ended) {
      c.kill('SIGKILL')
    }
    await exited
  })

  const stdoutBytes = (): Buffer => Buffer.concat(stdout)
  const until = <T>(test: () => T | undefined, what: string): Promise<T> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const value = test()
        if (value !== undefined) {
          checks.delete(check)
          resolve(value)
        } else if (ended) {
          checks.delete(check)
          reject(
            new Error(
              `${command} ended before ${what}\nstdout: ${stdoutBytes().toString('latin1')}\nstderr: ${stderr}`,
            ),
          )
        }
      }
      checks.add(check)
      check()
    })

  return {
    child,
    stdout: stdoutBytes,
    stdoutText: () => stdoutBytes().toString('latin1'),
    stderr: () => stderr,
    exited,
    waitFor: (pattern, stream = 'stdout', after = 0) =>
      until(
        () =>
          pattern.exec(
            (stream === 'stdout' ? stdoutBytes().toString('latin1') : stderr).slice(after),
          ) ?? undefined,
        `printing ${String(pattern)} on ${stream}`,
      ),
    waitForStdoutBytes: (size) =>
      until(() => (stdoutSize >= size ? stdoutBytes() : undefined), `printing ${size} bytes`),
  }
}

/**
 * Why a peer cannot run here (its command is not installed), or `undefined` when it can: the
 * tests that need it are then skipped with this reason, printed once on standard error.
 */
export function missingPeer(
  what: string,
  command: string,
  versionArgs: readonly string[],
): string | undefined {
  const result = spawnSync(command, versionArgs, { stdio: 'ignore' })
  if (result.error == null && result.status === 0) {
    return undefined
  }
  const reason = `${command} is not installed (apt-get update && apt-get install -y ${command})`
  process.stderr.write(`transport-tcp: skipping ${what}: ${reason}\n`)
  return reason
}
