#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { testCertificate } from '@wirekit/test-certificates'
import { createServer, type TCPServerOptions } from '@wirekit/transport-tcp'
import { announceListening, printWarning, readCommands, reply, runServer } from './control.ts'
import { ConnectionLog, RecordedEcho } from './recorded-echo.ts'
import type { DrainStarted, ShutdownFinished, StreamServerStats } from './replies.ts'

/**
 * A library-level echo server for scenarios 14, 16 and 17: `@wirekit/transport-tcp` used
 * directly, with TLS (the test certificate for localhost), a PROXY header from trusted balancers,
 * and commands to read its counts, drain it and shut it down (see `control.ts`).
 *
 * ```text
 * stream-echo-server [--host H]... [--tls] [--handshake-timeout MS] [--shutdown-timeout MS]
 *                    [--trusted-proxy ADDRESS]... [--proxy-timeout MS]
 * commands: stats | connections | drain DEADLINE_MS CLOSE_TIMEOUT_MS | shutdown (then no more)
 * ```
 */

/** A number of milliseconds from an option, or nothing when it was not given. */
function milliseconds(name: string, value: string | undefined): number | undefined {
  if (value == null) {
    return undefined
  }
  const ms = Number(value)
  if (!Number.isInteger(ms) || ms < 0) {
    throw new RangeError(`--${name} must be a whole number of milliseconds, got ${value}`)
  }
  return ms
}

/** The server's options, from the command line. */
function serverOptions(): TCPServerOptions & { host: string[] } {
  const { values } = parseArgs({
    options: {
      host: { type: 'string', multiple: true, default: ['127.0.0.1'] },
      tls: { type: 'boolean', default: false },
      'handshake-timeout': { type: 'string' },
      'shutdown-timeout': { type: 'string' },
      'trusted-proxy': { type: 'string', multiple: true, default: [] },
      'proxy-timeout': { type: 'string' },
    },
  })
  const handshakeTimeout = milliseconds('handshake-timeout', values['handshake-timeout'])
  const shutdownTimeout = milliseconds('shutdown-timeout', values['shutdown-timeout'])
  const proxyTimeout = milliseconds('proxy-timeout', values['proxy-timeout'])
  const trusted = new Set(values['trusted-proxy'])
  return {
    host: values.host,
    port: 0,
    onWarning: printWarning,
    ...(values.tls
      ? {
          tls: {
            ...testCertificate('server'),
            ...(handshakeTimeout == null ? {} : { handshakeTimeout }),
            ...(shutdownTimeout == null ? {} : { shutdownTimeout }),
          },
        }
      : {}),
    ...(trusted.size > 0
      ? {
          proxyProtocol: {
            trusted: (address: string) => trusted.has(address),
            ...(proxyTimeout == null ? {} : { timeout: proxyTimeout }),
          },
        }
      : {}),
  }
}

runServer('stream-echo-server', async () => {
  const options = serverOptions()
  const log = new ConnectionLog()
  const server = await createServer(() => new RecordedEcho(log), options)

  const stats = (): StreamServerStats => {
    const { open, settingUp, handshakeFailures, proxyHeaderFailures } = server.stats()
    return {
      made: log.made,
      lost: log.lost,
      toldToDrain: log.toldToDrain,
      open,
      settingUp,
      handshakeFailures,
      proxyHeaderFailures,
      now: performance.now(),
    }
  }

  const commands = readCommands(async ([command, ...args]) => {
    switch (command) {
      case 'stats':
        reply('stats', stats())
        return
      case 'connections':
        reply('connections', log.records)
        return
      case 'drain': {
        const [deadline, closeTimeout] = args.map(Number)
        const { open, settingUp } = server.stats()
        const started: DrainStarted = { open, settingUp, at: performance.now() }
        const drained = server.drain({
          ...(deadline == null ? {} : { deadline }),
          ...(closeTimeout == null ? {} : { closeTimeout }),
        })
        reply('draining', started)
        reply('drained', { ...(await drained), at: performance.now() })
        return
      }
      case 'shutdown': {
        const startedAt = performance.now()
        commands.stop()
        server.close()
        server.closeClients()
        await server.waitClosed()
        const closed: ShutdownFinished = {
          startedAt,
          at: performance.now(),
          stats: stats(),
          connections: log.records,
        }
        reply('closed', closed)
        return
      }
      default:
        throw new Error(`unknown command ${String(command)}`)
    }
  })

  const [first] = server.addresses()
  if (first == null) {
    throw new Error('the server listens nowhere')
  }
  announceListening(options.host[0] ?? first.address, first.port)
})
