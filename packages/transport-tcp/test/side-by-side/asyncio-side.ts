import { execFileSync, spawn } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { TraceLog, type ServerSide } from './server-side.ts'
import { WAIT_GUARD_MS } from './waitable.ts'
import { camelCase, type Action, type Behaviour, type TraceEvent } from './trace.ts'

const script = fileURLToPath(new URL('../fixtures/asyncio-recorder.py', import.meta.url))

/**
 * The interpreter `python3` runs, asked once: `python3` may be a shim (pyenv's is a shell script
 * that execs more programs), which would cost every scenario its start-up again.
 */
const python = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], {
  encoding: 'utf8',
}).trim()

/** How long the script may take to exit once its stdin ended, before it is killed. */
const EXIT_GUARD_MS = 5000

/** A line fixtures/asyncio-recorder.py prints: an event, or that a command has run. */
type RecorderLine = TraceEvent | { readonly done: number }

/** asyncio's names in camelCase, as wirekit records them. */
function fromPython(event: TraceEvent): TraceEvent {
  const callback = event.callback == null ? {} : { callback: camelCase(event.callback) }
  return { ...event, name: camelCase(event.name), ...callback }
}

/**
 * A CPython asyncio server (`python3`, 3.11) on 127.0.0.1, port 0, running
 * fixtures/asyncio-recorder.py with `behaviour`: the reference side of a scenario.
 */
export async function startAsyncio(behaviour: Behaviour): Promise<ServerSide> {
  const child = spawn(python, [script, JSON.stringify(behaviour)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.setEncoding('utf8')
  child.stderr.on('data', (text: string) => (stderr += text))
  const exited = once(child, 'exit')
  // A wait for something only the script can still do is over when it is gone.
  child.once('exit', () => log.notify())
  const log = new TraceLog('asyncio', () => (stderr === '' ? '' : `python stderr:\n${stderr}`))
  const done = new Set<number>()
  let port: number | undefined
  const lines = createInterface({ input: child.stdout })
  const outputEnded = once(lines, 'close')
  const listening = new Promise<number>((resolve, reject) => {
    lines.on('line', (line) => {
      if (port === undefined) {
        port = Number(line)
        resolve(port)
        return
      }
      const parsed = JSON.parse(line) as RecorderLine
      if ('done' in parsed) {
        done.add(parsed.done)
        log.notify()
      } else {
        log.push(fromPython(parsed))
      }
    })
    child.once('exit', (code) => reject(new Error(`${python} exited (${code}):\n${stderr}`)))
    setTimeout(() => reject(new Error(`${python} printed no port`)), WAIT_GUARD_MS).unref()
  })
  let sequence = 0
  return {
    label: 'asyncio',
    port: await listening,
    log,
    command: (actions: readonly Action[]) => {
      sequence += 1
      const seq = sequence
      child.stdin.write(`${JSON.stringify({ seq, do: actions })}\n`)
      return log.until(
        () => done.has(seq),
        `the end of command ${actions.join(', ')}`,
        () => child.exitCode != null,
      )
    },
    // asyncio closes the socket as soon as connection_lost has returned, in the same callback.
    released: () => log.waitFor('connectionLost'),
    stop: async () => {
      // The script stops serving and exits when its stdin ends: every event has been printed.
      child.stdin.end()
      const guard = setTimeout(() => child.kill('SIGKILL'), EXIT_GUARD_MS)
      await Promise.all([exited, outputEnded])
      clearTimeout(guard)
    },
  }
}
