import { join } from 'node:path'
import {
  echoServerBin,
  pythonServer,
  pythonWithUvloop,
  rawServer,
  type ServerSpec,
} from './servers.ts'

/**
 * The servers of `pnpm bench -- --transport unix`, each on its own Unix socket in `directory`:
 * the wirekit echo server (`--unix`), the raw `node:net` one over a path, the seed's server in
 * asyncio's `create_unix_server`, and the same under uvloop when there is one. Notes say what
 * was left out and why.
 */
export function unixServerSpecs(directory: string): { specs: ServerSpec[]; notes: string[] } {
  const path = (name: string): string => join(directory, `${name}.sock`)
  const specs: ServerSpec[] = [
    {
      name: 'wirekit',
      command: process.execPath,
      args: [echoServerBin, '--unix', path('wirekit'), '--log-level', 'warn'],
      path: path('wirekit'),
    },
    {
      name: 'raw node:net',
      command: process.execPath,
      args: [rawServer, '--unix', path('raw')],
      path: path('raw'),
    },
    {
      name: 'asyncio',
      command: 'python3',
      args: [pythonServer, '--unix', path('asyncio')],
      path: path('asyncio'),
    },
  ]
  const notes: string[] = []
  const uvloopPython = pythonWithUvloop()
  if (uvloopPython === undefined) {
    notes.push(
      'uvloop: skipped, no Python here can import uvloop (install Debian package python3-uvloop)',
    )
  } else {
    specs.push({
      name: 'uvloop',
      command: uvloopPython,
      args: [pythonServer, '--unix', path('uvloop'), '--uvloop'],
      path: path('uvloop'),
    })
  }
  return { specs, notes }
}
