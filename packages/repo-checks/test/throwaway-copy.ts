import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startProcess, type Finished, type StartedProcess } from '@wirekit/app-support/testing'

/** The repository's root folder (the working tree these tests copy). */
export const root = fileURLToPath(new URL('../../../', import.meta.url))

/**
 * The environment for commands run in a copy: this one, less what turbo, pnpm and vitest set
 * for the task running these tests (a nested turbo or pnpm must see a fresh shell's) and less
 * any publishing credentials, without colours or the user's git configuration, and with every proxy variable pointing at a closed
 * local port, so that a request meant for a host other than 127.0.0.1 fails instead of leaving
 * the machine.
 */
export function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  // The release workflow's credentials: a publish in a copy must never find them (pnpm would ask
  // GitHub for an OIDC token as soon as it sees ACTIONS_ID_TOKEN_REQUEST_URL).
  const secret = /^(ACTIONS_ID_TOKEN_REQUEST_|GITHUB_TOKEN$|NPM_TOKEN$|NODE_AUTH_TOKEN$)/
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (
      !/^(TURBO_|npm_|PNPM_|VITEST|FORCE_COLOR$|NODE_ENV$|INIT_CWD$)/i.test(name) &&
      !secret.test(name)
    ) {
      env[name] = value
    }
  }
  const nowhere = 'http://127.0.0.1:9'
  return {
    ...env,
    NO_COLOR: '1',
    TURBO_TELEMETRY_DISABLED: '1',
    // Under GitHub Actions turbo holds a task's output until the task ends; a server's must stream.
    TURBO_LOG_ORDER: 'stream',
    HTTP_PROXY: nowhere,
    HTTPS_PROXY: nowhere,
    http_proxy: nowhere,
    https_proxy: nowhere,
    NO_PROXY: '127.0.0.1,localhost',
    no_proxy: '127.0.0.1,localhost',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'repo-checks',
    GIT_AUTHOR_EMAIL: 'repo-checks@localhost',
    GIT_COMMITTER_NAME: 'repo-checks',
    GIT_COMMITTER_EMAIL: 'repo-checks@localhost',
    ...extra,
  }
}

/** A copy of the repository in a temporary folder, and how to run commands in it. */
export interface ThrowawayCopy {
  /** The copy's root folder. */
  readonly dir: string
  /** Starts a command in the copy (in a process group of its own: pnpm and turbo start others). */
  start(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): StartedProcess
  /** Runs a command in the copy to its end; rejects with its output unless it exits 0. */
  run(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<Finished>
  /** Deletes the copy. */
  remove(): void
}

/** Runs `command` in `cwd` to its end; rejects with everything it printed unless it exits 0. */
export async function runChecked(
  command: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv = cleanEnv(),
): Promise<Finished> {
  const finished = await startProcess(command, args, undefined, { cwd, env }).finished
  if (finished.code !== 0) {
    throw new Error(
      `${[command, ...args].join(' ')} exited ${finished.code ?? finished.signal ?? '?'}:\n` +
        `${finished.stdout.toString()}\n${finished.stderr}`,
    )
  }
  return finished
}

/** Every file of the working tree that git would commit: tracked ones and new unignored ones. */
async function workingTreeFiles(): Promise<string[]> {
  const { stdout } = await runChecked(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    root,
  )
  return stdout
    .toString()
    .split('\0')
    .filter((file) => file !== '' && existsSync(join(root, file)))
}

/**
 * Copies the working tree (not `HEAD`: what is being tested is what is on disk) into a new
 * temporary folder, with `extra` ignored paths too (built `dist/` folders), commits it to a new
 * git repository, as a fresh clone has one, and installs it offline from the pnpm store that
 * the real install filled. The real working tree is only read.
 */
export async function throwawayCopy(extra: readonly string[] = []): Promise<ThrowawayCopy> {
  const dir = join(mkdtempSync(join(tmpdir(), 'wirekit-copy-')), 'wirekit')
  for (const file of [...(await workingTreeFiles()), ...extra]) {
    mkdirSync(dirname(join(dir, file)), { recursive: true })
    cpSync(join(root, file), join(dir, file), { recursive: true })
  }
  await runChecked('git', ['init', '--quiet', '--initial-branch=main'], dir)
  await runChecked('git', ['add', '--all'], dir)
  await runChecked('git', ['commit', '--quiet', '--message=copy'], dir)
  await runChecked('pnpm', ['install', '--offline', '--frozen-lockfile'], dir)
  return {
    dir,
    start: (command, args, env = cleanEnv()) =>
      startProcess(command, args, undefined, { cwd: dir, env, group: true }),
    run: (command, args, env) => runChecked(command, args, dir, env),
    remove: () => rmSync(dirname(dir), { recursive: true, force: true }),
  }
}
