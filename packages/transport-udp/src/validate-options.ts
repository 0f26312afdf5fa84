import {
  emitWarning,
  printError,
  resolveWriteBufferLimits,
  reusePortSupported,
  UnsupportedOptionError,
  type DatagramAddress,
  type WriteBufferLimits,
} from '@wirekit/protocol-core'
import type { UDPEndpointOptions, UDPMulticastOptions } from './options.ts'

/** {@link UDPEndpointOptions} checked, with their defaults filled in. */
export interface ResolvedEndpointOptions {
  readonly local: { readonly address: string; readonly port: number } | undefined
  readonly remote: DatagramAddress | undefined
  readonly family: 4 | 6 | undefined
  readonly reusePort: boolean
  readonly allowBroadcast: boolean
  readonly recvBufferSize: number | undefined
  readonly sendBufferSize: number | undefined
  readonly multicast: UDPMulticastOptions | undefined
  readonly writeBufferLimits: WriteBufferLimits | undefined
  readonly onError: (error: Error) => void
  readonly onWarning: (message: string) => void
}

function show(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value)
  }
  return typeof value === 'object' && value != null ? 'an object' : String(value)
}

function checkObject(option: string, value: unknown): Record<string, unknown> | undefined {
  if (value === undefined) {
    return undefined
  }
  if (typeof value !== 'object' || value == null) {
    throw new TypeError(`option ${option} must be an object, got ${show(value)}`)
  }
  return value as Record<string, unknown>
}

function checkHost(option: string, value: unknown): string {
  if (typeof value !== 'string') {
    throw new TypeError(`option ${option} must be a string, got ${show(value)}`)
  }
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (value === '' || /[\s\u0000-\u001f\u007f]/.test(value)) {
    throw new RangeError(`option ${option} must be a host name or address, got ${show(value)}`)
  }
  return value
}

function checkInteger(option: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number') {
    throw new TypeError(`option ${option} must be a number, got ${show(value)}`)
  }
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(
      `option ${option} must be an integer from ${min} to ${max}, got ${show(value)}`,
    )
  }
  return value
}

function checkBoolean(option: string, value: unknown): boolean | undefined {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new TypeError(`option ${option} must be a boolean, got ${show(value)}`)
  }
  return value
}

function checkFunction<TFunction>(
  option: string,
  value: TFunction | undefined,
): TFunction | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`option ${option} must be a function, got ${show(value)}`)
  }
  return value
}

function checkBufferSize(option: string, value: unknown): number | undefined {
  return value === undefined ? undefined : checkInteger(option, value, 1, 2 ** 31 - 1)
}

function checkMulticast(value: unknown): UDPMulticastOptions | undefined {
  const multicast = checkObject('multicast', value)
  if (multicast === undefined) {
    return undefined
  }
  const { groups, interface: iface, ttl, loopback } = multicast
  if (groups !== undefined && !Array.isArray(groups)) {
    throw new TypeError(`option multicast.groups must be an array, got ${show(groups)}`)
  }
  const checkedGroups = (groups as unknown[] | undefined)?.map((group, i) =>
    checkHost(`multicast.groups[${i}]`, group),
  )
  return {
    ...(checkedGroups === undefined ? {} : { groups: checkedGroups }),
    ...(iface === undefined ? {} : { interface: checkHost('multicast.interface', iface) }),
    ...(ttl === undefined ? {} : { ttl: checkInteger('multicast.ttl', ttl, 0, 255) }),
    ...(loopback === undefined
      ? {}
      : { loopback: checkBoolean('multicast.loopback', loopback) === true }),
  }
}

/**
 * Checks every option before anything is opened.
 * @throws TypeError or RangeError naming the option and the value.
 * @throws UnsupportedOptionError for `reusePort` on a Node.js without it.
 */
export function resolveEndpointOptions(options: unknown): ResolvedEndpointOptions {
  const given = checkObject('options', options) ?? {}
  const localOption = checkObject('localAddress', given.localAddress)
  const remoteOption = checkObject('remoteAddress', given.remoteAddress)
  const local =
    localOption === undefined
      ? undefined
      : {
          address: checkHost('localAddress.address', localOption.address),
          port:
            localOption.port === undefined
              ? 0
              : checkInteger('localAddress.port', localOption.port, 0, 65535),
        }
  const remote =
    remoteOption === undefined
      ? undefined
      : {
          address: checkHost('remoteAddress.address', remoteOption.address),
          port: checkInteger('remoteAddress.port', remoteOption.port, 1, 65535),
        }
  const family = given.family
  if (family !== undefined && family !== 4 && family !== 6) {
    throw new RangeError(`option family must be 4 or 6, got ${show(family)}`)
  }
  if (local === undefined && remote === undefined && family === undefined) {
    throw new TypeError(
      'createDatagramEndpoint() needs localAddress, remoteAddress or family (asyncio needs one too)',
    )
  }
  const reusePort = checkBoolean('reusePort', given.reusePort) ?? false
  if (reusePort && !reusePortSupported()) {
    throw new UnsupportedOptionError(
      'reusePort',
      `node:dgram has it from Node.js 22.12, this is ${process.versions.node}`,
    )
  }
  let writeBufferLimits: WriteBufferLimits | undefined
  try {
    writeBufferLimits =
      given.writeBufferLimits === undefined
        ? undefined
        : resolveWriteBufferLimits(given.writeBufferLimits as Partial<WriteBufferLimits>)
  } catch (error) {
    if (error instanceof Error) {
      error.message = `option writeBufferLimits: ${error.message}`
    }
    throw error
  }
  return {
    local,
    remote,
    family,
    reusePort,
    allowBroadcast: checkBoolean('allowBroadcast', given.allowBroadcast) ?? false,
    recvBufferSize: checkBufferSize('recvBufferSize', given.recvBufferSize),
    sendBufferSize: checkBufferSize('sendBufferSize', given.sendBufferSize),
    multicast: checkMulticast(given.multicast),
    writeBufferLimits,
    onError: checkFunction('onError', given.onError as UDPEndpointOptions['onError']) ?? printError,
    onWarning:
      checkFunction('onWarning', given.onWarning as UDPEndpointOptions['onWarning']) ?? emitWarning,
  }
}
