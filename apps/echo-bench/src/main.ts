#!/usr/bin/env node
import { EXIT, runCli } from '@wirekit/app-support'
import { parseBenchArgs, USAGE } from './cli.ts'
import { lossPercent } from './format.ts'
import { runLoad } from './load-generator.ts'

await runCli(USAGE, async () => {
  const config = parseBenchArgs(process.argv.slice(2))
  if (config.help) {
    process.stdout.write(USAGE)
    return EXIT.ok
  }
  const { load } = config
  const progress = process.stderr.isTTY
    ? (seconds: number) => process.stderr.write(`\r  measuring... ${seconds.toFixed(0)} s`)
    : undefined
  const result = await runLoad(load, progress)
  if (progress !== undefined) {
    process.stderr.write('\r\x1b[K')
  }
  if (config.json) {
    process.stdout.write(`${JSON.stringify({ options: load, ...result })}\n`)
    return EXIT.ok
  }
  const { latency, serverCpu, tls, datagrams } = result
  const micros = (value: number): string => value.toFixed(1)
  const what = { echo: 'requests', reconnect: 'connections', datagram: 'datagrams' }[load.mode]
  const units = load.mode === 'datagram' ? 'flows' : 'connections'
  process.stdout.write(
    [
      `${load.connections} ${units}, ${load.size}-byte messages, ${result.seconds.toFixed(1)} s measured`,
      `  ${`${what}/s`.padEnd(11)} ${result.requestsPerSecond.toFixed(0)}`,
      `  MiB/s       ${result.mibPerSecond.toFixed(1)}`,
      `  latency µs  p50 ${latency.p50}  p90 ${latency.p90}  p99 ${latency.p99}  max ${latency.max}`,
      `  generator   ${(result.generatorCpu * 100).toFixed(0)}% of a core`,
      ...(tls === undefined ? [] : [`  TLS         ${tls.protocol} ${tls.cipher}`]),
      ...(datagrams === undefined
        ? []
        : [
            `  datagrams   ${datagrams.sent} sent, ${datagrams.lost} lost (${lossPercent(datagrams)}), ${datagrams.late} of them late`,
          ]),
      ...(serverCpu === undefined
        ? []
        : [
            `  server CPU  ${micros(serverCpu.userMicrosPerRequest + serverCpu.systemMicrosPerRequest)} µs per ${what.slice(0, -1)} (user ${micros(serverCpu.userMicrosPerRequest)}, system ${micros(serverCpu.systemMicrosPerRequest)})`,
          ]),
      '',
    ].join('\n'),
  )
  return EXIT.ok
})
