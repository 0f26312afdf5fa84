#!/usr/bin/env node
/**
 * STARTTLS, the way SMTP does it, over @wirekit/framing's LineProtocol: the server greets in
 * plaintext, offers STARTTLS in its EHLO reply, answers `220` to the command and upgrades the
 * connection in place with `startTls`; the client does the same on its side. After the upgrade the
 * same protocols go on talking, over TLS. It uses wirekit's test certificates (never elsewhere).
 *
 *   node examples/dist/starttls-mail.js              a scripted session; the transcript is printed
 *   node examples/dist/starttls-mail.js serve PORT   the server on 127.0.0.1 (0: any free port), for
 *       openssl s_client -starttls smtp -connect 127.0.0.1:PORT -CAfile <the test CA> -crlf
 */
import { createConnection, createServer, startTls } from '@wirekit/transport-tcp'
import { testCertificate, testCertificatePath } from '@wirekit/test-certificates'
import { MailClient, MailServer } from './mail-protocol.ts'

const serverTLS = testCertificate('server')
const [mode, portArgument] = process.argv.slice(2)
const server = await createServer(() => new MailServer(serverTLS), {
  host: '127.0.0.1',
  port: mode === 'serve' ? Number(portArgument ?? '0') : 0,
})
const port = server.addresses()[0]?.port ?? 0

if (mode === 'serve') {
  console.log(`mail server on 127.0.0.1 port ${port}; try:`)
  console.log(
    `  openssl s_client -starttls smtp -connect 127.0.0.1:${port} ` +
      `-CAfile ${testCertificatePath('ca', 'cert')} -crlf`,
  )
  process.once('SIGINT', () => {
    server.close()
    server.closeClients()
  })
  await server.waitClosed()
} else {
  const { protocol: client } = await createConnection(() => new MailClient(), {
    host: '127.0.0.1',
    port,
  })
  const exchange = async (line: string): Promise<string[]> => {
    console.log(`C: ${line}`)
    client.send(line)
    return client.reply()
  }
  for (const line of await client.reply()) {
    console.log(`S: ${line}`)
  }
  const show = (lines: string[]): void => {
    lines.forEach((line) => {
      console.log(`S: ${line}`)
    })
  }
  show(await exchange('EHLO client.example'))
  show(await exchange('STARTTLS'))
  const transport = client.transport
  if (transport === undefined) {
    throw new Error('no transport')
  }
  const secure = await startTls(transport, {
    ca: testCertificate('ca').cert,
    servername: 'localhost',
  })
  client.transport = secure
  console.log(
    `-- TLS: ${secure.getExtraInfo('tlsProtocol') ?? '?'}, server certificate for ${String(
      secure.getExtraInfo('peercert')?.subject.CN ?? '?',
    )}`,
  )
  show(await exchange('EHLO client.example'))
  show(await exchange('QUIT'))
  await client.closed
  server.close()
  await server.waitClosed()
}
