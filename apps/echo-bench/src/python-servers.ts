import { fileURLToPath } from 'node:url'
import type { PythonChoice } from './python.ts'
import type { ServerSpec } from './servers.ts'

/** The seed's server in asyncio (`--uvloop` runs it under uvloop), shipped next to `dist/`. */
export const PYTHON_SERVER: string = fileURLToPath(
  new URL('../python/asyncio_echo_server.py', import.meta.url),
)

/** How one comparison runs the Python server: its options, socket path and generator options. */
export interface PythonShape {
  readonly args: readonly string[]
  readonly unixPath?: string
  readonly load?: readonly string[]
}

/**
 * The seed's server in asyncio and under uvloop, on one Python, shaped for a comparison by
 * `shape` (called with the event loop's name); notes say which is left out and why.
 */
export function pythonServers(
  python: PythonChoice | undefined,
  shape: (loop: 'asyncio' | 'uvloop') => PythonShape,
): { specs: ServerSpec[]; notes: string[] } {
  if (python === undefined) {
    return { specs: [], notes: ['asyncio and uvloop: skipped, no python3 here'] }
  }
  const runtime = `Python ${python.version} (${python.path})`
  const spec = (loop: 'asyncio' | 'uvloop', runtime: string): ServerSpec => {
    const { args, ...rest } = shape(loop)
    return {
      name: loop,
      kind: loop,
      runtime,
      command: python.path,
      args: [PYTHON_SERVER, ...args, ...(loop === 'uvloop' ? ['--uvloop'] : [])],
      ...rest,
    }
  }
  if (python.uvloop === undefined) {
    return {
      specs: [spec('asyncio', runtime)],
      notes: [
        `uvloop: skipped, ${python.path} cannot import uvloop (install Debian's python3-uvloop)`,
      ],
    }
  }
  return {
    specs: [spec('asyncio', runtime), spec('uvloop', `${runtime}, uvloop ${python.uvloop}`)],
    notes: [],
  }
}
