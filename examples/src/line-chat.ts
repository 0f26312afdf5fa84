#!/usr/bin/env node
/**
 * A line chat over @wirekit/framing's LineProtocol: a client's first line is its name, each later
 * line goes to everyone else as `name: text`; arrivals and departures are announced.
 *
 *   node examples/dist/line-chat.js              a scripted conversation between alice and bob
 *   node examples/dist/line-chat.js serve PORT   a chat server on 127.0.0.1 (0: any free port);
 *                                                talk to it with `nc 127.0.0.1 PORT`, Ctrl-C stops it
 */
import { createConnection, createServer } from '@wirekit/transport-tcp'
import { ChatClient } from './chat-client.ts'
import { ChatMember, ChatRoom } from './chat-room.ts'

const room = new ChatRoom()
const [mode, portArgument] = process.argv.slice(2)
const server = await createServer(() => new ChatMember(room), {
  host: '127.0.0.1',
  port: mode === 'serve' ? Number(portArgument ?? '0') : 0,
})
const port = server.addresses()[0]?.port ?? 0

if (mode === 'serve') {
  console.log(`chat server on 127.0.0.1 port ${port} (Ctrl-C to stop)`)
  process.once('SIGINT', () => {
    server.close()
    server.closeClients()
  })
  await server.waitClosed()
  console.log('chat server closed')
} else {
  const join = async (name: string): Promise<ChatClient> => {
    const { protocol } = await createConnection(() => new ChatClient(), { host: '127.0.0.1', port })
    protocol.send(name)
    return protocol
  }
  // Each line is printed once it has arrived, so the transcript is the same on every run.
  const show = async (name: string, client: ChatClient): Promise<void> => {
    console.log(`[${name}] ${await client.next()}`)
  }
  const alice = await join('alice')
  await show('alice', alice)
  const bob = await join('bob')
  await show('bob', bob)
  await show('alice', alice)
  bob.send('hello alice')
  await show('alice', alice)
  alice.send('hi bob, bye bob')
  await show('bob', bob)
  bob.transport?.close()
  await show('alice', alice)
  alice.transport?.close()
  server.close()
  await server.waitClosed()
}
