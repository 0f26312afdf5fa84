const encoder = new TextEncoder()

/** The UTF-8 bytes of `text`, in a fresh array. */
export function bytes(text: string): Uint8Array {
  return encoder.encode(text)
}

/** `received` as text, for readable assertions on short messages. */
export function text(received: Uint8Array): string {
  return new TextDecoder().decode(received)
}
