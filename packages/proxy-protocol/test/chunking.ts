/** Feeding bytes to the parser in chunks, and what came out, for comparing splits. */
import {
  createProxyHeaderParser,
  type ProxyHeader,
  type ProxyHeaderParserOptions,
} from '../src/index.ts'

/** `bytes` cut at `cuts` (taken modulo its length, deduplicated, sorted); empty chunks kept. */
export function split(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b)
  const chunks: Uint8Array[] = []
  let last = 0
  for (const point of points) {
    chunks.push(bytes.subarray(last, point))
    last = point
  }
  chunks.push(bytes.subarray(last))
  return chunks
}

/** Every byte in a chunk of its own. */
export function bytewise(bytes: Uint8Array): Uint8Array[] {
  return Array.from(bytes, (b) => Uint8Array.of(b))
}

/** What a parser made of a stream: its final status, and the data after the header. */
export type Outcome =
  | { status: 'need-more' }
  | { status: 'done'; header: ProxyHeader; headerLength: number; after: Uint8Array }
  | { status: 'invalid'; reason: string; message: string; code: string }

/**
 * Pushes `chunks` to one parser until it decides; `after` is the done chunk's `rest` followed by
 * the chunks not pushed. Checks on the way that a parser never gathers past `maxHeaderSize` and
 * that the `consumed` of the done chunk adds up to the header length.
 */
export function feed(chunks: readonly Uint8Array[], options?: ProxyHeaderParserOptions): Outcome {
  const parser = createProxyHeaderParser(options)
  const max = options?.maxHeaderSize ?? 4096
  let seen = 0
  for (const [index, chunk] of chunks.entries()) {
    const result = parser.push(chunk)
    if (parser.buffered > max) {
      throw new Error(`parser gathered ${parser.buffered} bytes, over ${max}`)
    }
    if (result.status === 'need-more') {
      seen += chunk.length
      continue
    }
    if (result.status === 'invalid') {
      const { status, reason, message, code } = result
      return { status, reason, message, code }
    }
    if (seen + result.consumed !== result.headerLength || result.consumed > chunk.length) {
      throw new Error(`consumed ${result.consumed} after ${seen}, header ${result.headerLength}`)
    }
    const after = [result.rest, ...chunks.slice(index + 1)]
    const joined = new Uint8Array(after.reduce((n, c) => n + c.length, 0))
    let offset = 0
    for (const part of after) {
      joined.set(part, offset)
      offset += part.length
    }
    return {
      status: 'done',
      header: result.header,
      headerLength: result.headerLength,
      after: joined,
    }
  }
  return { status: 'need-more' }
}
