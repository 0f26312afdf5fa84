import type { ProxyHeader, ProxyIPAddress } from './header.ts'
import { formatIPv6, MAX_IPV6_TEXT_LENGTH, parseIPv4, parseIPv6, scanIPv4 } from './ip-address.ts'
import { MAX_V1_LENGTH, type ResolvedParserOptions } from './options.ts'
import { invalid, NEED_MORE, type ProxyHeaderInvalid, type ProxyHeaderResult } from './result.ts'
import { V1_SIGNATURE } from './signature.ts'

const SP = 0x20
const CR = 0x0d
const LF = 0x0a
const PROTOCOLS = ['TCP4', 'TCP6', 'UNKNOWN'] as const

/**
 * The fields after the protocol, each checked as a prefix while incomplete (so a wrong byte is
 * refused as soon as it arrives) and in full once a separator ends it. A field's failure always
 * has the same reason and message, however much of it has arrived: the result for a stream of
 * bytes never depends on how it was split.
 */
interface FieldRule {
  readonly name: string
  readonly reason: 'bad-address' | 'bad-port'
  readonly viable: (text: string) => boolean
}

function ipv4Viable(text: string): boolean {
  return scanIPv4(text) !== 'invalid'
}

function ipv6Viable(text: string): boolean {
  return text.length <= MAX_IPV6_TEXT_LENGTH && /^[0-9a-fA-F:.]*$/.test(text)
}

function portViable(text: string): boolean {
  return (
    /^[0-9]{0,5}$/.test(text) && !(text.length > 1 && text.startsWith('0')) && Number(text) <= 65535
  )
}

const rules = {
  ipv4Source: { name: 'source address (IPv4)', reason: 'bad-address', viable: ipv4Viable },
  ipv4Destination: {
    name: 'destination address (IPv4)',
    reason: 'bad-address',
    viable: ipv4Viable,
  },
  ipv6Source: { name: 'source address (IPv6)', reason: 'bad-address', viable: ipv6Viable },
  ipv6Destination: {
    name: 'destination address (IPv6)',
    reason: 'bad-address',
    viable: ipv6Viable,
  },
  sourcePort: { name: 'source port', reason: 'bad-port', viable: portViable },
  destinationPort: { name: 'destination port', reason: 'bad-port', viable: portViable },
} satisfies Record<string, FieldRule>

function badField(rule: FieldRule): ProxyHeaderInvalid {
  const what =
    rule.reason === 'bad-port' ? 'a decimal from 0 to 65535 without leading zeros' : 'valid'
  return invalid(rule.reason, `PROXY v1 ${rule.name} is not ${what}`)
}

function badLine(what: string): ProxyHeaderInvalid {
  return invalid('bad-line', `PROXY v1 line: ${what}`)
}

/** The index of the first space, CR or LF in `bytes[start, end)`, or `end`. */
function fieldEnd(bytes: Uint8Array, start: number, end: number): number {
  let i = start
  while (i < end && bytes[i] !== SP && bytes[i] !== CR && bytes[i] !== LF) {
    i++
  }
  return i
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  // A loop, not String.fromCharCode(...subarray): spreading a typed array is several times slower
  // for the few bytes of a field.
  let text = ''
  for (let i = start; i < end; i++) {
    text += String.fromCharCode(bytes[i] ?? 0)
  }
  return text
}

/** A version 1 line, from its signature (already matched) to its CRLF. */
export function parseV1(bytes: Uint8Array, options: ResolvedParserOptions): ProxyHeaderResult {
  const limit = Math.min(MAX_V1_LENGTH, options.maxHeaderSize)
  const end = Math.min(bytes.length, limit)
  // Out of bytes: wait for more, unless the limit is reached without a CRLF.
  const pending = (): ProxyHeaderResult =>
    end >= limit
      ? invalid('too-long', `PROXY v1 line without CRLF in its first ${limit} bytes`)
      : NEED_MORE

  const protocolEnd = fieldEnd(bytes, V1_SIGNATURE.length, end)
  const protocol = latin1(bytes, V1_SIGNATURE.length, protocolEnd)
  if (protocolEnd === end) {
    return PROTOCOLS.some((name) => name.startsWith(protocol)) ? pending() : badProtocol()
  }
  if (protocol === 'UNKNOWN') {
    return unknownTail(bytes, protocolEnd, end, pending)
  }
  if (protocol !== 'TCP4' && protocol !== 'TCP6') {
    return badProtocol()
  }
  if (bytes[protocolEnd] !== SP) {
    return badLine(`${protocol} must be followed by one space`)
  }
  const v6 = protocol === 'TCP6'
  const fields = v6
    ? [rules.ipv6Source, rules.ipv6Destination, rules.sourcePort, rules.destinationPort]
    : [rules.ipv4Source, rules.ipv4Destination, rules.sourcePort, rules.destinationPort]
  const texts: string[] = []
  let position = protocolEnd + 1
  for (const [index, rule] of fields.entries()) {
    const stop = fieldEnd(bytes, position, end)
    const text = latin1(bytes, position, stop)
    if (!rule.viable(text)) {
      return badField(rule)
    }
    if (stop === end) {
      return pending()
    }
    if (text === '' || (index < 2 && (v6 ? parseIPv6(text) : parseIPv4(text)) == null)) {
      return badField(rule)
    }
    const last = index === fields.length - 1
    if (bytes[stop] !== (last ? CR : SP)) {
      return badLine(
        last
          ? 'the destination port must be followed by CRLF'
          : `the ${rule.name} must be followed by one space`,
      )
    }
    texts.push(text)
    position = stop + 1
  }
  return lineEnd(bytes, position, end, pending, () => {
    const [source = '', destination = '', sourcePort = '', destinationPort = ''] = texts
    const family = v6 ? 'IPv6' : 'IPv4'
    const address = (text: string): string =>
      v6 ? formatIPv6(parseIPv6(text) ?? new Uint8Array(16)) : text
    const endpoint = (text: string, port: string): ProxyIPAddress => ({
      family,
      address: address(text),
      port: Number(port),
    })
    return {
      version: 1,
      command: 'proxy',
      family,
      transport: 'stream',
      source: endpoint(source, sourcePort),
      destination: endpoint(destination, destinationPort),
      tlvs: [],
    }
  })
}

function badProtocol(): ProxyHeaderInvalid {
  return invalid('bad-family', 'PROXY v1 protocol must be TCP4, TCP6 or UNKNOWN')
}

/** `UNKNOWN`, then either CRLF or a space and anything printable up to CRLF, which is ignored. */
function unknownTail(
  bytes: Uint8Array,
  position: number,
  end: number,
  pending: () => ProxyHeaderResult,
): ProxyHeaderResult {
  let i = position
  if (bytes[i] === SP) {
    i++
    while (i < end && (bytes[i] ?? 0) >= 0x20 && (bytes[i] ?? 0) <= 0x7e) {
      i++
    }
    if (i === end) {
      return pending()
    }
  }
  if (bytes[i] !== CR) {
    return badLine('a character outside printable US-ASCII, or a lone LF')
  }
  return lineEnd(bytes, i + 1, end, pending, () => ({
    version: 1,
    command: 'proxy',
    family: 'unspec',
    transport: 'unspec',
    source: undefined,
    destination: undefined,
    tlvs: [],
  }))
}

/** The LF after the line's CR at `position - 1`, then the header. */
function lineEnd(
  bytes: Uint8Array,
  position: number,
  end: number,
  pending: () => ProxyHeaderResult,
  header: () => ProxyHeader,
): ProxyHeaderResult {
  if (position === end) {
    return pending()
  }
  if (bytes[position] !== LF) {
    return badLine('a CR not followed by LF')
  }
  const headerLength = position + 1
  return {
    status: 'done',
    header: header(),
    headerLength,
    consumed: headerLength,
    rest: bytes.subarray(headerLength),
  }
}
