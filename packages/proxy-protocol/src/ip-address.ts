/**
 * IP addresses between text and bytes, without `node:net`: parsing follows `inet_pton` (what
 * HAProxy and most receivers use), formatting follows libuv's `inet_ntop`, which is what Node's
 * `net` prints for `remoteAddress`.
 */

const DOT = 0x2e
const ZERO = 0x30
const NINE = 0x39
const HEX_GROUP = /^[0-9a-fA-F]{1,4}$/

/** The longest IPv6 text `inet_pton` accepts: `ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255`. */
export const MAX_IPV6_TEXT_LENGTH = 45
/** The longest IPv4 text: `255.255.255.255`. */
export const MAX_IPV4_TEXT_LENGTH = 15

/**
 * Reads dotted-decimal text in one pass: four decimal numbers from 0 to 255, without leading
 * zeros (the spec forbids them: octal). `'address'` for a whole address (its bytes written to
 * `into`, when given), `'prefix'` for the start of one (what a header split over chunks may hold
 * so far), `'invalid'` for anything else.
 */
export function scanIPv4(text: string, into?: Uint8Array): 'address' | 'prefix' | 'invalid' {
  if (text.length > MAX_IPV4_TEXT_LENGTH) {
    return 'invalid'
  }
  let part = 0
  let digits = 0
  let value = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === DOT) {
      if (digits === 0 || part === 3) {
        return 'invalid'
      }
      if (into !== undefined) {
        into[part] = value
      }
      part += 1
      digits = 0
      value = 0
      continue
    }
    // A digit, and not one after a leading 0.
    if (code < ZERO || code > NINE || (digits === 1 && value === 0)) {
      return 'invalid'
    }
    value = value * 10 + (code - ZERO)
    digits += 1
    if (value > 255) {
      return 'invalid'
    }
  }
  if (part < 3 || digits === 0) {
    return 'prefix'
  }
  if (into !== undefined) {
    into[3] = value
  }
  return 'address'
}

/** The 4 bytes of a dotted-decimal IPv4 address, or `undefined` if `text` is not one. */
export function parseIPv4(text: string): Uint8Array | undefined {
  const bytes = new Uint8Array(4)
  return scanIPv4(text, bytes) === 'address' ? bytes : undefined
}

/** Appends the 16-bit groups of `part` (colon-separated, maybe ending in IPv4) to `groups`. */
function parseGroups(part: string, groups: number[], ipv4Allowed: boolean): boolean {
  if (part === '') {
    return true
  }
  const fields = part.split(':')
  for (const [index, field] of fields.entries()) {
    if (HEX_GROUP.test(field)) {
      groups.push(parseInt(field, 16))
      continue
    }
    const ipv4 = ipv4Allowed && index === fields.length - 1 ? parseIPv4(field) : undefined
    if (ipv4 == null) {
      return false
    }
    groups.push(((ipv4[0] ?? 0) << 8) | (ipv4[1] ?? 0), ((ipv4[2] ?? 0) << 8) | (ipv4[3] ?? 0))
  }
  return true
}

/**
 * The 16 bytes of an IPv6 address, or `undefined` if `text` is not one: groups of 1 to 4 hex
 * digits, at most one `::`, optionally ending in dotted IPv4 (`::ffff:192.0.2.1`). No zone index.
 */
export function parseIPv6(text: string): Uint8Array | undefined {
  if (text.length < 2 || text.length > MAX_IPV6_TEXT_LENGTH) {
    return undefined
  }
  const halves = text.split('::')
  if (halves.length > 2) {
    return undefined
  }
  const head: number[] = []
  const tail: number[] = []
  const [first = '', second] = halves
  if (!parseGroups(first, head, second === undefined)) {
    return undefined
  }
  if (second !== undefined && !parseGroups(second, tail, true)) {
    return undefined
  }
  const count = head.length + tail.length
  // Without `::` there must be 8 groups; with it, `::` stands for at least one zero group.
  if (second === undefined ? count !== 8 : count > 7) {
    return undefined
  }
  const groups = [...head, ...new Array<number>(8 - count).fill(0), ...tail]
  const bytes = new Uint8Array(16)
  groups.forEach((group, i) => {
    bytes[2 * i] = group >> 8
    bytes[2 * i + 1] = group & 0xff
  })
  return bytes
}

/** Dotted decimal from 4 bytes at `offset`. */
export function formatIPv4(bytes: Uint8Array, offset = 0): string {
  return `${bytes[offset] ?? 0}.${bytes[offset + 1] ?? 0}.${bytes[offset + 2] ?? 0}.${bytes[offset + 3] ?? 0}`
}

/**
 * IPv6 text from 16 bytes at `offset`, as libuv's `inet_ntop6` writes it (and so Node's
 * `socket.remoteAddress`): lower-case hex, the first longest run of two or more zero groups
 * written `::`, and the last 32 bits in dotted decimal for IPv4-mapped (`::ffff:a.b.c.d`) and
 * IPv4-compatible (`::a.b.c.d`, but `::1` and `::`) addresses.
 * With `embedIPv4: false` the dotted form is never used (for peers that only take hex groups).
 */
export function formatIPv6(bytes: Uint8Array, offset = 0, embedIPv4 = true): string {
  const words: number[] = []
  for (let i = 0; i < 8; i++) {
    words.push(((bytes[offset + 2 * i] ?? 0) << 8) | (bytes[offset + 2 * i + 1] ?? 0))
  }
  let bestBase = -1
  let bestLength = 0
  let runBase = -1
  for (let i = 0; i <= 8; i++) {
    if (i < 8 && words[i] === 0) {
      if (runBase === -1) {
        runBase = i
      }
    } else if (runBase !== -1) {
      if (i - runBase > bestLength) {
        bestBase = runBase
        bestLength = i - runBase
      }
      runBase = -1
    }
  }
  if (bestLength < 2) {
    bestBase = -1
  }
  let text = ''
  for (let i = 0; i < 8; i++) {
    if (bestBase !== -1 && i >= bestBase && i < bestBase + bestLength) {
      if (i === bestBase) {
        text += ':'
      }
      continue
    }
    if (i !== 0) {
      text += ':'
    }
    const mappedOrCompatible =
      bestBase === 0 && (bestLength === 6 || (bestLength === 5 && words[5] === 0xffff))
    if (embedIPv4 && i === 6 && mappedOrCompatible) {
      return text + formatIPv4(bytes, offset + 12)
    }
    text += (words[i] ?? 0).toString(16)
  }
  return bestBase !== -1 && bestBase + bestLength === 8 ? `${text}:` : text
}
