/**
 * The memory sockets read into before a streaming protocol gets its own copy of the bytes: one
 * buffer for every socket of the process, since JavaScript handles one read at a time and each
 * read is copied out before the next. 256 KiB lets a 100 KiB message arrive in one read.
 */
export const READ_SIZE: number = 256 * 1024

/** The shared read buffer. */
export const sharedReadBuffer: Buffer = Buffer.allocUnsafeSlow(READ_SIZE)
