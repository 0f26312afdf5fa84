import { once } from 'node:events'
import { connect, type Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { afterEach, describe, expect, it } from 'vitest'
import { runNode, startProcess, type StartedProcess } from '@wirekit/app-support/testing'
import { testCertificatePath } from '@wirekit/test-certificates'

const example = (name: string): string =>
  fileURLToPath(new URL(`../dist/${name}.js`, import.meta.url))

const running: StartedProcess[] = []
const sockets: Socket[] = []
afterEach(async () => {
  for (const socket of sockets.splice(0)) {
    socket.destroy()
  }
  for (const process of running.splice(0)) {
    process.kill()
    await process.finished
  }
})

/** A plain TCP peer (as `nc` is) that hands over the lines it receives one at a time. */
async function peer(port: number): Promise<{ socket: Socket; next: () => Promise<string> }> {
  const socket = connect({ host: '127.0.0.1', port })
  sockets.push(socket)
  await once(socket, 'connect')
  let buffered = ''
  const lines: string[] = []
  const waiting: ((line: string) => void)[] = []
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    buffered += chunk
    let end
    while ((end = buffered.indexOf('\n')) !== -1) {
      const line = buffered.slice(0, end)
      buffered = buffered.slice(end + 1)
      const waiter = waiting.shift()
      if (waiter === undefined) {
        lines.push(line)
      } else {
        waiter(line)
      }
    }
  })
  const next = (): Promise<string> => {
    const line = lines.shift()
    return line !== undefined
      ? Promise.resolve(line)
      : new Promise((resolve) => waiting.push(resolve))
  }
  return { socket, next }
}

describe('examples/src/echo.ts', () => {
  it('prints the message and its echo, byte for byte, and exits 0', async () => {
    for (const message of [undefined, 'héllo ✓ wirekit']) {
      const { code, stdout, stderr } = await runNode(
        message === undefined ? [example('echo')] : [example('echo'), message],
      )
      const sent = message ?? 'hello, wirekit'
      expect(stdout.toString()).toBe(`sent:     ${sent}\nreceived: ${sent}\n`)
      expect(stderr).toBe('')
      expect(code).toBe(0)
    }
  })
})

describe('examples/src/line-chat.ts', () => {
  it('plays the scripted conversation between alice and bob, the same on every run', async () => {
    const { code, stdout, stderr } = await runNode([example('line-chat')])
    expect(stdout.toString()).toBe(
      [
        '[alice] * welcome, alice: 1 here',
        '[bob] * welcome, bob: 2 here',
        '[alice] * bob joined',
        '[alice] bob: hello alice',
        '[bob] alice: hi bob, bye bob',
        '[alice] * bob left',
        '',
      ].join('\n'),
    )
    expect(stderr).toBe('')
    expect(code).toBe(0)
  })

  it('serves peers such as nc, disconnects one that never ends its line, and stops on Ctrl-C', async () => {
    const server = startProcess(process.execPath, [example('line-chat'), 'serve', '0'])
    running.push(server)
    const port = Number(await server.waitForStdout(/chat server on 127\.0\.0\.1 port (\d+)/))

    const alice = await peer(port)
    alice.socket.write('alice\n')
    expect(await alice.next()).toBe('* welcome, alice: 1 here')
    const bob = await peer(port)
    bob.socket.write('bob\r\n') // CRLF, as telnet sends
    expect(await bob.next()).toBe('* welcome, bob: 2 here')
    expect(await alice.next()).toBe('* bob joined')
    bob.socket.write('hello')
    bob.socket.write(' alice\n') // a line in two reads
    expect(await alice.next()).toBe('bob: hello alice')

    // 2 KiB without a newline: over the 1 KiB limit, the connection is cut, the others go on.
    const hostile = await peer(port)
    const cut = once(hostile.socket, 'close')
    hostile.socket.on('error', () => undefined)
    hostile.socket.write('x'.repeat(2048))
    await cut
    await expect
      .poll(() => server.stderr())
      .toMatch(/^chat: a newcomer: frame of \d+ bytes exceeds the maximum of 1024, disconnected$/m)
    alice.socket.write('still here\n')
    expect(await bob.next()).toBe('alice: still here')

    const aliceEnded = once(alice.socket, 'end')
    server.kill('SIGINT')
    const { code, stdout } = await server.finished
    await aliceEnded
    expect(stdout.toString()).toMatch(/chat server closed\n$/)
    expect(code).toBe(0)
  })
})

describe('examples/src/starttls-mail.ts', () => {
  it('upgrades to TLS in the middle of the dialogue; the transcript is the same on every run', async () => {
    const { code, stdout, stderr } = await runNode([example('starttls-mail')])
    expect(stdout.toString()).toBe(
      [
        'S: 220 wirekit ESMTP ready',
        'C: EHLO client.example',
        'S: 250-wirekit',
        'S: 250 STARTTLS',
        'C: STARTTLS',
        'S: 220 Ready to start TLS',
        '-- TLS: TLSv1.3, server certificate for localhost',
        'C: EHLO client.example',
        'S: 250 wirekit',
        'C: QUIT',
        'S: 221 Bye',
        '',
      ].join('\n'),
    )
    expect(stderr).toBe('')
    expect(code).toBe(0)
  })

  it('serves openssl s_client -starttls smtp, which then talks to it over TLS', async () => {
    const server = startProcess(process.execPath, [example('starttls-mail'), 'serve', '0'])
    running.push(server)
    const port = Number(await server.waitForStdout(/mail server on 127\.0\.0\.1 port (\d+)/))
    const client = startProcess(
      'openssl',
      [
        's_client',
        '-starttls',
        'smtp',
        '-connect',
        `127.0.0.1:${port}`,
        '-CAfile',
        testCertificatePath('ca', 'cert'),
        '-verify_return_error',
        '-crlf',
        '-quiet',
      ],
      Buffer.from('EHLO openssl.example\nNOOP\nQUIT\n'),
    )
    running.push(client)
    const { code, stdout } = await client.finished
    // -quiet prints what the server says after the upgrade: the second EHLO reply, NOOP, QUIT.
    expect(stdout.toString()).toBe('250 wirekit\r\n250 OK\r\n221 Bye\r\n')
    expect(code).toBe(0)
  })
})
