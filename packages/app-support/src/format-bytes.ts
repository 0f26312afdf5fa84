/** How many bytes of a chunk a log line shows before it is cut. */
export const SHOWN_BYTES = 200

const HEX = '0123456789abcdef'

/**
 * Shows bytes the way Python's `repr()` does (`b'abc\x00\n'`), so that logs read like the seed's,
 * and so that no byte (a control character, an ANSI escape, a CR or LF) can forge or split a log
 * line. Past `limit` bytes the rest is cut and the total length given.
 * @example
 * ```ts
 * formatBytes(new TextEncoder().encode("it's\n")) // b"it's\n"
 * ```
 */
export function formatBytes(data: Uint8Array, limit: number = SHOWN_BYTES): string {
  const shown = data.length > limit ? data.subarray(0, limit) : data
  const quote = shown.includes(0x27) && !shown.includes(0x22) ? '"' : "'"
  const quoteCode = quote.charCodeAt(0)
  let text = ''
  for (const byte of shown) {
    if (byte === 0x5c || byte === quoteCode) {
      text += `\\${String.fromCharCode(byte)}`
    } else if (byte === 0x09) {
      text += '\\t'
    } else if (byte === 0x0a) {
      text += '\\n'
    } else if (byte === 0x0d) {
      text += '\\r'
    } else if (byte < 0x20 || byte >= 0x7f) {
      text += `\\x${HEX[byte >> 4] ?? '0'}${HEX[byte & 15] ?? '0'}`
    } else {
      text += String.fromCharCode(byte)
    }
  }
  const repr = `b${quote}${text}${quote}`
  return shown === data ? repr : `${repr} ... (${data.length} bytes)`
}

/**
 * Makes any text safe for one log line: control characters (including CR, LF and ESC) are shown
 * as escapes instead of acting.
 */
export function escapeText(text: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is replaced
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (char) => {
    const code = char.charCodeAt(0)
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : char
  })
}
