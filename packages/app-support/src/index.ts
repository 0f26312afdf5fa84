/**
 * What the wirekit apps share: the seed's `name: message` logging, bytes shown safely on one line,
 * command-line checks that fail with one line and the usage, and TLS files checked before use.
 * Private to this repository.
 *
 * @packageDocumentation
 */

export { formatBytes, escapeText, SHOWN_BYTES } from './format-bytes.ts'
export { Logger, LOG_LEVELS, stderrSink, type LogLevel, type LogSink } from './logger.ts'
export {
  parseCount,
  parseFilePath,
  parseHost,
  parseLogLevel,
  parsePort,
  parseSeconds,
  parseUnixPath,
  UsageError,
} from './cli-args.ts'
export { checkOptionRules, type OptionConflict, type OptionNeed } from './option-rules.ts'
export { usageErrorFrom } from './parse-args-error.ts'
export { ConfigError } from './config-error.ts'
export { loadTLSFiles, type TLSFilePaths, type TLSFiles } from './tls-files.ts'
export { versionLine } from './package-version.ts'
export { onBrokenPipe, type OutputStream } from './broken-pipe.ts'
export { writeStderr } from './stderr.ts'
export { EXIT, runCli } from './run-cli.ts'
