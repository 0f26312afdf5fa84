import { execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

/** The C epoll echo server's source, shipped in the package next to `dist/`. */
export const C_SERVER_SOURCE = fileURLToPath(new URL('../c/epoll-echo.c', import.meta.url))

/** Where `pnpm bench` builds it by default (ignored by git). */
export const C_BUILD_DIR = fileURLToPath(new URL('../build/', import.meta.url))

/** The built server and the compiler that built it, or why there is none. */
export type CServerBuild =
  | { readonly binary: string; readonly compiler: string }
  | { readonly binary: undefined; readonly note: string }

/**
 * Builds the C epoll echo server with the system's `cc` into `outDir`, every time (it takes a
 * fraction of a second, and a stale binary could not be told apart). No compiler is not an
 * error: the comparison goes on without C.
 * @throws Error when the compiler is there but the build fails.
 */
export function buildCServer(outDir: string = C_BUILD_DIR): CServerBuild {
  let compiler: string
  try {
    compiler =
      execFileSync('cc', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .split('\n')[0]
        ?.trim() ?? 'cc'
  } catch {
    return { binary: undefined, note: 'C epoll: skipped, no C compiler (cc) on the PATH' }
  }
  mkdirSync(outDir, { recursive: true })
  const binary = join(outDir, 'epoll-echo')
  try {
    execFileSync('cc', ['-O2', '-Wall', '-o', binary, C_SERVER_SOURCE], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? ''
    throw new Error(`cc could not build ${C_SERVER_SOURCE}: ${stderr.split('\n')[0] ?? ''}`, {
      cause: error,
    })
  }
  return { binary, compiler }
}
