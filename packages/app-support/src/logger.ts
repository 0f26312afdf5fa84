import { escapeText } from './format-bytes.ts'
import { writeStderr } from './stderr.ts'

/** The log levels, least severe first. */
export const LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const

/** One of {@link LOG_LEVELS}. */
export type LogLevel = (typeof LOG_LEVELS)[number]

/** Where log lines go, and from which level. */
export interface LogSink {
  /** The least severe level written. */
  readonly level: LogLevel
  /** Writes one finished line (with its newline). */
  write(line: string): void
}

/**
 * A sink writing to standard error, as the seed's `logging.basicConfig(stream=sys.stderr)`; lines
 * are dropped once the reader of standard error has gone (see {@link writeStderr}).
 */
export function stderrSink(level: LogLevel): LogSink {
  return { level, write: writeStderr }
}

/**
 * A named logger writing the seed's `name: message` lines. Callers check {@link Logger.enabled}
 * before building an expensive message (formatting received bytes is not free on the hot path).
 * @example
 * ```ts
 * const log = new Logger('main', stderrSink('debug'))
 * log.info('starting up on localhost port 10000')
 * ```
 */
export class Logger {
  readonly #name: string
  readonly #sink: LogSink
  readonly #threshold: number

  constructor(name: string, sink: LogSink) {
    this.#name = escapeText(name)
    this.#sink = sink
    this.#threshold = LOG_LEVELS.indexOf(sink.level)
  }

  /** `true` when lines of this level are written. */
  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) >= this.#threshold
  }

  /** Writes a line at `level`; control characters in `message` are escaped. */
  log(level: LogLevel, message: string): void {
    if (this.enabled(level)) {
      this.#sink.write(`${this.#name}: ${escapeText(message)}\n`)
    }
  }

  /** Writes a debug line. */
  debug(message: string): void {
    this.log('debug', message)
  }

  /** Writes an info line. */
  info(message: string): void {
    this.log('info', message)
  }

  /** Writes a warning line. */
  warn(message: string): void {
    this.log('warn', message)
  }

  /** Writes an error line. */
  error(message: string): void {
    this.log('error', message)
  }
}
