import { describe, expect, it } from 'vitest'
import { FrameTooLongError } from '../src/index.ts'

describe('FrameTooLongError', () => {
  it('carries a stable code, its name and both lengths, as the other wirekit errors do', () => {
    const error = new FrameTooLongError(17, 16)
    expect(error).toBeInstanceOf(Error)
    expect(error.code).toBe('ERR_FRAME_TOO_LONG')
    expect(error.name).toBe('FrameTooLongError')
    expect(FrameTooLongError.name).toBe('FrameTooLongError')
    expect(error.length).toBe(17)
    expect(error.maxLength).toBe(16)
    expect(error.message).toBe('frame of 17 bytes exceeds the maximum of 16')
    expect(String(error)).toBe('FrameTooLongError: frame of 17 bytes exceeds the maximum of 16')
  })
})
