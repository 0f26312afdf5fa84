/** The size of a Unix address in a version 2 header (`sun_path`). */
export const UNIX_PATH_SIZE = 108

const decoder = new TextDecoder()
const encoder = new TextEncoder()

/**
 * A `sun_path` field as Node writes the path: up to the first NUL; an abstract name (first byte
 * NUL) as `'\0name'` up to its last non-NUL byte. Bytes that are not UTF-8 become U+FFFD.
 */
export function decodeUnixPath(field: Uint8Array): string {
  if (field[0] !== 0) {
    const nul = field.indexOf(0)
    return decoder.decode(nul === -1 ? field : field.subarray(0, nul))
  }
  let last = field.length - 1
  while (last > 0 && field[last] === 0) {
    last--
  }
  return last === 0 ? '' : decoder.decode(field.subarray(0, last + 1))
}

/**
 * The 108-byte `sun_path` field of `path`, NUL-padded. Throws a `RangeError` for a path longer
 * than 108 bytes in UTF-8, or with a NUL anywhere but at the start of an abstract name.
 */
export function encodeUnixPath(path: string, option: string): Uint8Array {
  const bytes = encoder.encode(path)
  const abstract = bytes[0] === 0
  const nul = bytes.indexOf(0, abstract ? 1 : 0)
  if (bytes.length > UNIX_PATH_SIZE || nul !== -1 || (abstract && bytes.length === 1)) {
    throw new RangeError(
      `${option} must be a Unix socket path of at most ${UNIX_PATH_SIZE} bytes without NUL (but an abstract name's first), got ${JSON.stringify(path)}`,
    )
  }
  const field = new Uint8Array(UNIX_PATH_SIZE)
  field.set(bytes)
  return field
}
