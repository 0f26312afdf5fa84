/** Just enough SVG writing for the benchmark chart: escaped text and attributes, fixed decimals. */

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
}

/** Text or an attribute value, safe inside an SVG document. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char)
}

type Attributes = Record<string, string | number | undefined>

function attributes(attrs: Attributes): string {
  return Object.entries(attrs)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(
      ([key, value]) => ` ${key}="${typeof value === 'number' ? round(value) : escapeXml(value)}"`,
    )
    .join('')
}

/** Coordinates to two decimals at most: smaller files, same picture. */
function round(value: number): string {
  return String(Math.round(value * 100) / 100)
}

/** An element with children (already SVG) or none. */
export function element(name: string, attrs: Attributes, ...children: readonly string[]): string {
  return children.length === 0
    ? `<${name}${attributes(attrs)}/>`
    : `<${name}${attributes(attrs)}>${children.join('')}</${name}>`
}

/** A `<text>` element; its content is escaped. */
export function text(attrs: Attributes, content: string): string {
  return `<text${attributes(attrs)}>${escapeXml(content)}</text>`
}
