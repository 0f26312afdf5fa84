// Preloaded into a server under test with `node --expose-gc --import <this file>`: on SIGUSR2 it
// runs a full garbage collection and prints one line with the V8 heap in use after it. RSS swings
// with V8's heap sizing and the machine's load; the heap in use after a full collection is what
// a leak makes grow.
import process from 'node:process'

process.on('SIGUSR2', () => {
  // Twice: V8 frees the memory of dead ArrayBuffers (external memory) on a background thread after
  // a collection, late on a loaded machine; the next full collection finishes that work first.
  globalThis.gc()
  globalThis.gc()
  const { heapUsed, external } = process.memoryUsage()
  process.stderr.write(
    `wirekit-reliability: garbage collected, heap ${heapUsed} external ${external}\n`,
  )
})
