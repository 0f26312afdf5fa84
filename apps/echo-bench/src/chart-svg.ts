import { niceScale } from './chart-scale.ts'
import { cpuPerRequest, requestsPerSecond, type Spread } from './figures.ts'
import { sizeLabel } from './format.ts'
import { serversOf, type BenchResults } from './results.ts'
import type { ServerInfo } from './servers.ts'
import { element, text } from './svg.ts'

const WIDTH = 1000
const LEFT = 80
const RIGHT = 20
const PLOT_HEIGHT = 260
const FONT = "system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif"

/** One bar: stacked parts (user, system for CPU; one part for requests/s) and its whisker. */
interface Bar {
  readonly parts: readonly number[]
  readonly whisker: Spread
}

/** Colours that stay apart for colour-blind readers (Okabe and Ito), one pair per Node line. */
const NODE_COLOURS: readonly (readonly [string, string])[] = [
  ['#0072B2', '#56B4E9'],
  ['#009E73', '#8FD6B4'],
  ['#6A3D9A', '#CAB2D6'],
  ['#B15928', '#FDBF6F'],
]
const OTHER_COLOURS: Record<string, string> = {
  asyncio: '#E69F00',
  uvloop: '#D55E00',
  c: '#4D4D4D',
}

function colours(servers: readonly ServerInfo[]): Map<string, string> {
  const lines = [...new Set(servers.filter((s) => s.kind === 'wirekit').map((s) => s.node))]
  return new Map(
    servers.map((server) => {
      const pair = NODE_COLOURS[Math.max(0, lines.indexOf(server.node)) % NODE_COLOURS.length]
      const colour =
        server.kind === 'wirekit'
          ? pair?.[0]
          : server.kind === 'raw'
            ? pair?.[1]
            : OTHER_COLOURS[server.kind]
      return [server.name, colour ?? '#999999']
    }),
  )
}

function legend(servers: readonly ServerInfo[], colour: Map<string, string>, top: number) {
  let x = LEFT
  let y = top
  const items = servers.map((server) => {
    const width = 34 + server.name.length * 7.2
    if (x + width > WIDTH - RIGHT) {
      x = LEFT
      y += 22
    }
    const item = element(
      'g',
      { class: 'legend-item', 'data-server': server.name },
      element('rect', {
        x,
        y: y - 11,
        width: 14,
        height: 14,
        rx: 2,
        fill: colour.get(server.name),
      }),
      text({ x: x + 20, y }, server.name),
    )
    x += width
    return item
  })
  return { svg: element('g', { class: 'legend', 'font-size': 13 }, ...items), bottom: y + 8 }
}

interface PanelInput {
  readonly id: string
  readonly title: string
  readonly top: number
  readonly servers: readonly ServerInfo[]
  readonly sizes: readonly number[]
  readonly colour: Map<string, string>
  readonly bar: (server: string, size: number) => Bar | undefined
  /** How a tick of the axis is written. */
  readonly tick: (value: number) => string
  /** How the value over a bar is written. */
  readonly value: (value: number) => string
}

/** A panel and the height it takes (a panel with nothing measured is just its title and a note). */
function panel(input: PanelInput): { svg: string; height: number } {
  const { servers, sizes, top } = input
  const plotTop = top + 28
  const bottom = plotTop + PLOT_HEIGHT
  const bars = sizes.map((size) => servers.map((server) => input.bar(server.name, size)))
  const largest = Math.max(
    0,
    ...bars
      .flat()
      .map((bar) => (bar === undefined ? 0 : Math.max(bar.whisker.max, sum(bar.parts)))),
  )
  const title = text({ x: LEFT, y: top + 12, 'font-size': 15, 'font-weight': 600 }, input.title)
  if (largest === 0) {
    return {
      svg: element(
        'g',
        { class: 'panel', 'data-panel': input.id },
        title,
        text({ x: LEFT, y: plotTop + 8, fill: '#666' }, 'Not measured in this run.'),
      ),
      height: 50,
    }
  }
  const scale = niceScale(largest)
  const y = (value: number): number => bottom - (value / scale.max) * PLOT_HEIGHT
  const grid = scale.ticks.map((tick) =>
    element(
      'g',
      { class: 'tick' },
      element('line', { x1: LEFT, x2: WIDTH - RIGHT, y1: y(tick), y2: y(tick), stroke: '#e3e3e3' }),
      text({ x: LEFT - 8, y: y(tick) + 4, 'text-anchor': 'end', fill: '#555' }, input.tick(tick)),
    ),
  )
  const groupWidth = (WIDTH - LEFT - RIGHT) / sizes.length
  const barWidth = (groupWidth * 0.8) / servers.length
  const groups = sizes.map((size, g) => {
    const start = LEFT + g * groupWidth + groupWidth * 0.1
    const drawn = servers.flatMap((server, i) => {
      const bar = bars[g]?.[i]
      if (bar === undefined) {
        return []
      }
      const x = start + i * barWidth + barWidth * 0.08
      const width = barWidth * 0.84
      const centre = x + width / 2
      const fill = input.colour.get(server.name)
      let base = 0
      const rects = bar.parts.flatMap((part, p) => {
        const box = { x, y: y(base + part), width, height: y(base) - y(base + part) }
        base += part
        const solid = element('rect', { ...box, fill })
        return p === 0 ? [solid] : [solid, element('rect', { ...box, fill: 'url(#system)' })]
      })
      const { min, max } = bar.whisker
      const whisker = element('path', {
        class: 'whisker',
        d: `M${centre},${y(min)}V${y(max)}M${centre - 4},${y(min)}H${centre + 4}M${centre - 4},${y(max)}H${centre + 4}`,
        stroke: '#222',
        'stroke-width': 1.2,
        fill: 'none',
      })
      const value = text(
        { x: centre, y: Math.min(y(max), y(base)) - 5, 'text-anchor': 'middle', 'font-size': 10 },
        input.value(base),
      )
      return [element('g', { class: 'bar', 'data-server': server.name }, ...rects, whisker, value)]
    })
    const label = text(
      {
        x: LEFT + (g + 0.5) * groupWidth,
        y: bottom + 20,
        'text-anchor': 'middle',
        'font-size': 13,
      },
      sizeLabel(size),
    )
    return element('g', { class: 'group', 'data-size': size }, ...drawn, label)
  })
  const axis = element('line', {
    x1: LEFT,
    x2: WIDTH - RIGHT,
    y1: bottom,
    y2: bottom,
    stroke: '#888',
  })
  return {
    svg: element('g', { class: 'panel', 'data-panel': input.id }, title, ...grid, axis, ...groups),
    height: 28 + PLOT_HEIGHT + 40,
  }
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0)

/** 0, 9.4k, 10k, 135k */
const thousands = (value: number): string =>
  value === 0 ? '0' : `${(value / 1000).toFixed(value >= 9_950 ? 0 : 1)}k`

/**
 * Draws a run as an SVG chart: requests/s of every server, grouped by message size (bars at the
 * median, whiskers from the slowest to the fastest round), and below it the server's own CPU time
 * per request (user, and system hatched on top; whiskers over the total). Plain SVG 1.1, no
 * scripts or external fonts, so it renders wherever Markdown shows images.
 */
export function drawChart(results: BenchResults): string {
  const servers = serversOf(results)
  const { sizes, rounds, duration, connections } = results.plan
  const colour = colours(servers)
  const header = [
    text({ x: LEFT, y: 30, 'font-size': 19, 'font-weight': 700 }, 'Echo servers side by side'),
    text(
      { x: LEFT, y: 52, 'font-size': 13, fill: '#555' },
      `${connections} connections, closed loop; ${rounds} round${rounds === 1 ? '' : 's'} of ${duration} s per server and size; bars: median, whiskers: min-max${results.date === undefined ? '' : `; ${results.date}`}`,
    ),
  ]
  const key = legend(servers, colour, 84)
  const throughput = panel({
    id: 'throughput',
    title: 'Requests per second (higher is better)',
    top: key.bottom + 16,
    servers,
    sizes,
    colour,
    tick: thousands,
    value: thousands,
    bar: (server, size) => {
      const rps = requestsPerSecond(results, server, size)
      return rps && { parts: [rps.median], whisker: rps }
    },
  })
  const cpu = panel({
    id: 'cpu',
    title: "Server's own CPU time per request, µs (lower is better; hatched: system time)",
    top: key.bottom + 16 + throughput.height + 16,
    servers,
    sizes,
    colour,
    tick: (value) => String(Number(value.toFixed(1))), // 20, 2.5
    value: (value) => value.toFixed(value >= 100 ? 0 : 1), // 6.0, 35.0, 120
    bar: (server, size) => {
      const figure = cpuPerRequest(results, server, size)
      return figure && { parts: [figure.user, figure.system], whisker: figure.total }
    },
  })
  const height = key.bottom + 16 + throughput.height + 16 + cpu.height + 10
  const defs = element(
    'defs',
    {},
    element(
      'pattern',
      {
        id: 'system',
        width: 6,
        height: 6,
        patternUnits: 'userSpaceOnUse',
        patternTransform: 'rotate(45)',
      },
      element('rect', { width: 6, height: 6, fill: 'none' }),
      element('line', {
        x1: 0,
        y1: 0,
        x2: 0,
        y2: 6,
        stroke: '#ffffff',
        'stroke-width': 3,
        'stroke-opacity': 0.75,
      }),
    ),
  )
  return `${element(
    'svg',
    {
      xmlns: 'http://www.w3.org/2000/svg',
      width: WIDTH,
      height,
      viewBox: `0 0 ${WIDTH} ${height}`,
      role: 'img',
      'aria-labelledby': 'chart-title',
      'font-family': FONT,
      'font-size': 12,
    },
    element(
      'title',
      { id: 'chart-title' },
      'Echo servers side by side: requests per second and CPU per request',
    ),
    defs,
    element('rect', { width: WIDTH, height, fill: '#ffffff' }),
    ...header,
    key.svg,
    throughput.svg,
    cpu.svg,
  )}\n`
}
