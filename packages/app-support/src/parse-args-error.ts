import { UsageError } from './cli-args.ts'

/** The option a `parseArgs` message names, long form first: `'-h, --help'` gives `--help`. */
function optionIn(message: string): string | undefined {
  return /'(?:-\w, )?(--?[\w-]+)/.exec(message)?.[1]
}

function codeOf(error: unknown): unknown {
  return typeof error === 'object' && error != null && 'code' in error ? error.code : undefined
}

/**
 * Turns the errors of `node:util`'s `parseArgs` into a {@link UsageError} of one line, worded as
 * the apps' other messages are (lower case, the option first). `parseArgs` explains itself over
 * several lines, and its hint for a value that starts with a dash (`--port -1`) is cut off when
 * only its first line is kept; `args` (the command line) lets the message show that value.
 */
export function usageErrorFrom(error: unknown, args: readonly string[] = []): UsageError {
  const message = error instanceof Error ? error.message : String(error)
  const option = optionIn(message)
  switch (codeOf(error)) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return new UsageError(`unknown option ${option ?? message}`)
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const argument = /'([^']*)'/.exec(message)?.[1] ?? ''
      return new UsageError(
        `unexpected argument ${JSON.stringify(argument)}: only options are taken`,
      )
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      if (option === undefined) {
        break
      }
      if (message.includes('does not take an argument')) {
        return new UsageError(`${option} takes no value`)
      }
      if (message.includes('ambiguous')) {
        const value = args[args.indexOf(option) + 1]
        if (args.includes(option) && value !== undefined) {
          return new UsageError(
            `${option} needs a value; ${JSON.stringify(value)} looks like an option (write ${option}=${value} if it is the value)`,
          )
        }
      }
      return new UsageError(`${option} needs a value`)
  }
  return new UsageError(message.split('\n')[0] ?? message)
}
