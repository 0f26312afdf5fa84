import { resolveWriteBufferLimits, type WriteBufferLimits } from '@wirekit/protocol-core'
import { emitWarning, printError } from '@wirekit/protocol-core'
import type { TCPSocketOptions } from './options.ts'
import type { TransportHooks } from './socket-transport.ts'
import { checkBoolean, checkDuration, checkFunction } from './validate-options.ts'

/** How long a closed connection waits for the peer's EOF (see `lingerTimeout`). */
const DEFAULT_LINGER_TIMEOUT = 5000

/** {@link TCPSocketOptions} checked, with their defaults filled in. */
export interface ResolvedSocketOptions {
  readonly noDelay: boolean
  readonly keepAlive: boolean
  readonly keepAliveInitialDelay: number
  readonly writeBufferLimits: WriteBufferLimits | undefined
  readonly lingerTimeout: number
  readonly onError: (error: Error) => void
  readonly onWarning: (message: string) => void
}

/** Checks the options servers and connections share; throws TypeError or RangeError. */
export function resolveSocketOptions(options: TCPSocketOptions): ResolvedSocketOptions {
  const limits = options.writeBufferLimits
  let writeBufferLimits: WriteBufferLimits | undefined
  try {
    writeBufferLimits = limits === undefined ? undefined : resolveWriteBufferLimits(limits)
  } catch (error) {
    if (error instanceof Error) {
      error.message = `option writeBufferLimits: ${error.message}`
    }
    throw error
  }
  return {
    noDelay: checkBoolean('noDelay', options.noDelay) ?? true,
    keepAlive: checkBoolean('keepAlive', options.keepAlive) ?? false,
    keepAliveInitialDelay:
      checkDuration('keepAliveInitialDelay', options.keepAliveInitialDelay) ?? 0,
    writeBufferLimits,
    lingerTimeout: checkDuration('lingerTimeout', options.lingerTimeout) ?? DEFAULT_LINGER_TIMEOUT,
    onError: checkFunction('onError', options.onError) ?? printError,
    onWarning: checkFunction('onWarning', options.onWarning) ?? emitWarning,
  }
}

/** The hooks a transport takes from the options: callbacks, water marks, linger. */
export function transportHooksOf(options: ResolvedSocketOptions): TransportHooks {
  const { onError, onWarning, writeBufferLimits, lingerTimeout } = options
  return { onError, onWarning, writeBufferLimits, lingerTimeout }
}
