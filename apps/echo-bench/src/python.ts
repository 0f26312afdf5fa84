import { execFileSync } from 'node:child_process'

/** The Python that runs both asyncio and uvloop, and what it has. */
export interface PythonChoice {
  readonly path: string
  /** `3.11.2` */
  readonly version: string
  /** uvloop's version, when this Python can import it. */
  readonly uvloop: string | undefined
}

const PROBE = `import json, sys
try:
    import uvloop
    uvloop_version = uvloop.__version__
except ImportError:
    uvloop_version = None
print(json.dumps({"version": sys.version.split()[0], "uvloop": uvloop_version}))`

function probe(path: string): PythonChoice | undefined {
  try {
    const found = JSON.parse(
      execFileSync(path, ['-c', PROBE], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }),
    ) as { version: string; uvloop: string | null }
    return { path, version: found.version, uvloop: found.uvloop ?? undefined }
  } catch {
    return undefined
  }
}

/**
 * Picks one Python for asyncio and uvloop alike, so the two differ only by the event loop: the
 * first of `candidates` that can import uvloop (Debian's `python3-uvloop` is for
 * `/usr/bin/python3`), else the first that runs at all (uvloop is then left out).
 */
export function choosePython(
  candidates: readonly string[] = ['/usr/bin/python3', 'python3'],
): PythonChoice | undefined {
  const found = candidates.map(probe).filter((choice) => choice !== undefined)
  return found.find((choice) => choice.uvloop !== undefined) ?? found[0]
}
