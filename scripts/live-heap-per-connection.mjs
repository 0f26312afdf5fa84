// The live heap an idle connection costs a server, after a full garbage collection: the echo
// server's protocol on wirekit's createServer, against a plain node:net echo server.
//
//   node scripts/live-heap-per-connection.mjs [CONNECTIONS] [WIREKIT_ROOT]
//
// WIREKIT_ROOT is a built checkout (default: this one), so that two builds can be compared. Each
// server runs in a child process of its own (with --expose-gc); this process opens the connections,
// so both need `ulimit -n` above CONNECTIONS (default 4000).
// VmRSS, which `pnpm bench` reports, also counts the garbage the connections' set-up left; this
// does not.
import { fork } from 'node:child_process'
import { once } from 'node:events'
import { connect, createServer } from 'node:net'
import { resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'

const here = fileURLToPath(import.meta.url)

async function serve(kind, root) {
  if (kind === 'raw node:net') {
    const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
      socket.on('data', (chunk) => {
        if (!socket.write(chunk)) {
          socket.pause()
          socket.once('drain', () => socket.resume())
        }
      })
      socket.on('end', () => socket.end())
      socket.on('error', () => socket.destroy())
    })
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
    return server.address().port
  }
  const built = (path) => pathToFileURL(resolve(root, path)).href
  const { createServer: createWirekitServer } = await import(
    built('packages/transport-tcp/dist/index.js')
  )
  const { EchoServer } = await import(built('apps/echo-server/dist/echo-protocol.js'))
  const sink = { level: 'warning', write() {} }
  const server = await createWirekitServer(() => new EchoServer(sink), {
    host: '127.0.0.1',
    port: 0,
    onError() {},
    onWarning() {},
  })
  return server.addresses()[0].port
}

function liveHeap() {
  globalThis.gc()
  globalThis.gc()
  return process.memoryUsage().heapUsed
}

async function child(kind, root) {
  const port = await serve(kind, root)
  process.on('message', () => process.send({ heap: liveHeap() }))
  process.send({ port })
}

async function measure(kind, root, count) {
  const server = fork(here, ['--serve', kind, root], {
    execArgv: ['--expose-gc'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const [{ port }] = await once(server, 'message')
  const heap = async () => {
    server.send('heap')
    return (await once(server, 'message'))[0].heap
  }
  const before = await heap()
  const sockets = []
  for (let opened = 0; opened < count; opened += 200) {
    await Promise.all(
      Array.from(
        { length: Math.min(200, count - opened) },
        () =>
          new Promise((resolve, reject) => {
            const socket = connect(port, '127.0.0.1', resolve)
            socket.once('error', reject)
            sockets.push(socket)
          }),
      ),
    )
  }
  // Every connection accepted and set up before the count.
  await new Promise((resolve) => setTimeout(resolve, 500))
  const after = await heap()
  for (const socket of sockets) {
    socket.destroy()
  }
  server.kill()
  return Math.round((after - before) / count)
}

if (process.argv[2] === '--serve') {
  await child(process.argv[3], process.argv[4])
} else {
  const count = Number(process.argv[2] ?? 4000)
  const root = resolve(process.argv[3] ?? fileURLToPath(new URL('..', import.meta.url)))
  for (const kind of ['wirekit', 'raw node:net']) {
    console.log(`${kind}: ${await measure(kind, root, count)} B of live heap per idle connection`)
  }
}
