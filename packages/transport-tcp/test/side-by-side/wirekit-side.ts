import { once } from 'node:events'
import { createServer } from '../../src/index.ts'
import { TraceLog, type ServerSide } from './server-side.ts'
import type { Behaviour } from './trace.ts'
import { Recorder, recordingProtocol } from './wirekit-recorder.ts'

/** A wirekit server on 127.0.0.1, port 0, whose protocol follows `behaviour` and records. */
export async function startWirekit(behaviour: Behaviour): Promise<ServerSide> {
  const warnings: string[] = []
  const log = new TraceLog('wirekit', () => warnings.map((w) => `warning: ${w}`).join('\n'))
  const recorders: Recorder[] = []
  const server = await createServer(
    () => {
      const recorder = new Recorder(behaviour, log)
      recorders.push(recorder)
      return recordingProtocol(recorder, behaviour)
    },
    {
      host: '127.0.0.1',
      port: 0,
      onError: (error) => recorders.at(-1)?.reportError(error),
      onWarning: (message) => warnings.push(message),
    },
  )
  const [address] = server.addresses()
  if (address === undefined) {
    throw new Error('the wirekit server listens nowhere')
  }
  return {
    label: 'wirekit',
    port: address.port,
    log,
    command: (actions) => {
      const recorder = recorders.at(-1)
      if (recorder === undefined) {
        return Promise.reject(new Error('a command before any connection'))
      }
      recorder.command(actions)
      return Promise.resolve()
    },
    released: async () => {
      await log.waitFor('connectionLost')
      const socket = recorders.at(-1)?.socket
      if (socket !== undefined && !socket.closed) {
        await once(socket, 'close')
      }
    },
    stop: async () => {
      server.close()
      server.abortClients()
      await server.waitClosed()
    },
  }
}
