/**
 * What the wirekit apps share: the seed's `name: message` logging, bytes shown safely on one line,
 * and command-line checks that fail with one line and the usage. Private to this repository.
 *
 * @packageDocumentation
 */

export { formatBytes, escapeText, SHOWN_BYTES } from './format-bytes.ts'
export { Logger, LOG_LEVELS, stderrSink, type LogLevel, type LogSink } from './logger.ts'
export {
  parseCount,
  parseHost,
  parseLogLevel,
  parsePort,
  parseSeconds,
  UsageError,
} from './cli-args.ts'
export { usageErrorFrom } from './parse-args-error.ts'
export { versionLine } from './package-version.ts'
export { onBrokenPipe, type OutputStream } from './broken-pipe.ts'
export { writeStderr } from './stderr.ts'
export { EXIT, runCli } from './run-cli.ts'
