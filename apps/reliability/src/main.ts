#!/usr/bin/env node
import { parseArgs } from 'node:util'
import type { ScenarioResult } from './checks.ts'
import { scenarios, selectScenarios } from './registry.ts'
import { formatResults } from './results-table.ts'
import { defaultTargets, type Targets } from './targets.ts'

/** The scenario numbers for --help, from the registry: `1..17; 9 runs 9a, 9b; 14 runs 14a-14e`. */
function scenarioNumbers(): string {
  const numberOf = (id: string): string => id.replace(/[a-z]$/, '')
  const numbers = [...new Set(scenarios.map((spec) => numberOf(spec.id)))]
  const groups = numbers.flatMap((number) => {
    const ids = scenarios
      .map((spec) => spec.id)
      .filter((id) => id !== number && numberOf(id) === number)
    if (ids.length === 0) {
      return []
    }
    return [
      `${number} runs ${ids.length > 2 ? `${ids[0] ?? ''}-${ids.at(-1) ?? ''}` : ids.join(', ')}`,
    ]
  })
  return [`${numbers[0] ?? ''}..${numbers.at(-1) ?? ''}`, ...groups].join('; ')
}

const USAGE = `usage: wirekit-reliability [--scenario N]... [--full] [--minutes M] [--json]
                           [--server PATH] [--client PATH] [--host 127.0.0.1|::1]

  --scenario N   run scenario N, repeat for several:
                 ${scenarioNumbers()}
  --full         the full sizes (1 GiB, 10,000 connections, 100,000 cycles, the soak...)
  --minutes M    the soak's length (scenario 10), default 10
  --json         print the results as JSON instead of a table
  --server PATH  the echo server's main.js (default: apps/echo-server/dist/main.js)
  --client PATH  the echo client's main.js (default: apps/echo-client/dist/main.js)`

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      scenario: { type: 'string', multiple: true, default: [] },
      full: { type: 'boolean', default: false },
      minutes: { type: 'string' },
      json: { type: 'boolean', default: false },
      server: { type: 'string' },
      client: { type: 'string' },
      host: { type: 'string', default: '127.0.0.1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  if (values.host !== '127.0.0.1' && values.host !== '::1') {
    throw new RangeError('--host must be 127.0.0.1 or ::1: the suite runs on loopback only')
  }
  const minutes = values.minutes == null ? undefined : Number(values.minutes)
  if (minutes != null && !(minutes > 0 && minutes <= 120)) {
    throw new RangeError(`--minutes must be a number in (0, 120], got ${values.minutes}`)
  }
  const targets: Targets = {
    ...defaultTargets,
    serverScript: values.server ?? defaultTargets.serverScript,
    clientScript: values.client ?? defaultTargets.clientScript,
    host: values.host,
  }
  const ids = values.scenario.flatMap((id) => id.split(','))
  const chosen = selectScenarios(ids, values.full)
  const results: ScenarioResult[] = []
  for (const spec of chosen) {
    if (!values.json) {
      console.error(`running ${spec.id}. ${spec.title}...`)
    }
    results.push(
      await spec.run(targets, { full: values.full, ...(minutes == null ? {} : { minutes }) }),
    )
  }
  console.log(values.json ? JSON.stringify(results, null, 2) : formatResults(results))
  return results.every((result) => result.ok) ? 0 : 1
}

main().then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    console.error(`wirekit-reliability: ${error instanceof Error ? error.message : String(error)}`)
    console.error(USAGE)
    process.exitCode = 2
  },
)
