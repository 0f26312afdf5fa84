// The figure `pnpm bench` reports for idle connections (the growth of the server's VmRSS per
// connection, 10,000 connections), for the echo servers of several built checkouts side by side,
// alternating round by round.
//
//   node scripts/idle-rss-per-connection.mjs ROUNDS NAME=CHECKOUT...
//
// Needs `ulimit -n` above 10,000 (this process holds the connections, each server its side).
// VmRSS also counts the garbage the connections' set-up left: scripts/live-heap-per-connection.mjs
// measures the live heap after a full collection instead.
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { resolve } from 'node:path'
import { idleConnectionCost } from '../apps/echo-bench/dist/idle-memory.js'

const CONNECTIONS = 10_000
const [roundsArgument, ...servers] = process.argv.slice(2)
const rounds = Number(roundsArgument)
if (!Number.isInteger(rounds) || rounds < 1 || servers.length === 0) {
  process.stderr.write('usage: node scripts/idle-rss-per-connection.mjs ROUNDS NAME=CHECKOUT...\n')
  process.exit(2)
}

async function measure(checkout) {
  const main = resolve(checkout, 'apps/echo-server/dist/main.js')
  const server = spawn(
    process.execPath,
    [main, '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  let output = ''
  const port = await new Promise((found, fail) => {
    server.stderr.on('data', (chunk) => {
      output += chunk
      const match = /port (\d+)/.exec(output)
      if (match) found(Number(match[1]))
    })
    server.once('exit', () => fail(new Error(`${main} exited: ${output.trim()}`)))
  })
  try {
    return (await idleConnectionCost(server.pid, port, CONNECTIONS)).bytesPerConnection
  } finally {
    server.kill()
    await once(server, 'exit')
  }
}

for (let round = 1; round <= rounds; round += 1) {
  for (const server of servers) {
    const cut = server.indexOf('=')
    const name = cut < 0 ? server : server.slice(0, cut)
    const bytes = await measure(cut < 0 ? '.' : server.slice(cut + 1))
    console.log(`${name} round ${round}: ${Math.round(bytes)} B of VmRSS per idle connection`)
  }
}
