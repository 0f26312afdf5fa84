import { lstatSync, unlinkSync } from 'node:fs'

/**
 * The socket file a server created, known by its device and inode (asyncio's check in
 * `_UnixSelectorEventLoop`): when the server closes, the path is removed only if it still holds
 * that file. Someone may have replaced it meanwhile (removed ours and started another server
 * there); that server keeps its path.
 */
export class OwnedSocketFile {
  readonly #path: string
  readonly #dev: bigint
  readonly #ino: bigint

  constructor(path: string, dev: bigint, ino: bigint) {
    this.#path = path
    this.#dev = dev
    this.#ino = ino
  }

  /**
   * Removes the file if the path still holds it.
   * @returns `false` when it held another file (or none), which is left alone.
   * @throws the system error when the file is ours but cannot be removed.
   */
  removeIfOurs(): boolean {
    const now = lstatSync(this.#path, { bigint: true, throwIfNoEntry: false })
    if (now?.dev !== this.#dev || now.ino !== this.#ino) {
      return false
    }
    unlinkSync(this.#path)
    return true
  }
}
