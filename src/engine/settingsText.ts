/**
 * How values and names appear in settings messages: numbers as they are (Infinity included),
 * long values cut to about 80 characters with their size, and the known name nearest to a typo.
 * Pure and bounded whatever the value (depth, length).
 */

/**
 * An integer with its thousands grouped by commas, as `toLocaleString('en-US')` writes it
 * (1234567 → "1,234,567", -1000 → "-1,000"), without loading ICU (~70 ms on the first call);
 * anything but a safe integer as `String` writes it.
 */
export function groupThousands(n: number): string {
  if (!Number.isSafeInteger(n)) return String(n);
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 || Object.is(n, -0) ? `-${out}` : out;
}

/** A value as a message shows it: numbers as they are (Infinity included), long values cut. */
export function describeValue(v: unknown, max = 80): string {
  switch (typeof v) {
    case 'number':
      if (v === Infinity || v === -Infinity) return `${v} (a number beyond ±1.8e308, such as 1e999)`;
      return String(v);
    case 'string':
      return quoted(v, max);
    case 'undefined':
      return 'nothing';
    case 'boolean':
      return String(v);
    case 'function':
      return 'a function';
    case 'bigint':
      return `${v}n`;
    case 'symbol':
      return 'a symbol';
  }
  if (v === null) return 'null';
  const text = preview(v, 3, max + 1);
  if (text.length <= max) return text;
  const size = Array.isArray(v) ? `${v.length} entries` : `${Object.keys(v as object).length} keys`;
  return `${text.slice(0, max)}… (${size})`;
}

/** `s` itself, or its first `max` characters and how long it was. */
export function cut(s: string, max = 80): string {
  return s.length <= max ? s : `${s.slice(0, max)}… (${s.length} chars)`;
}

function quoted(s: string, max: number): string {
  if (s.length <= max) return JSON.stringify(s);
  return `${JSON.stringify(s.slice(0, max)).slice(0, -1)}…" (${s.length} chars)`;
}

/** JSON-like text of `v`, at most `depth` levels deep and about `budget` characters long. */
function preview(v: unknown, depth: number, budget: number): string {
  if (typeof v !== 'object' || v === null) return typeof v === 'string' ? quoted(v, 40) : describeValue(v, 40);
  const isArray = Array.isArray(v);
  if (depth === 0) return isArray ? '[…]' : '{…}';
  const keys = isArray ? undefined : Object.keys(v);
  const n = isArray ? (v as unknown[]).length : keys!.length;
  const parts: string[] = [];
  let used = 2;
  for (let i = 0; i < n; i++) {
    if (used > budget) {
      parts.push('…');
      break;
    }
    const item = isArray ? (v as unknown[])[i] : (v as Record<string, unknown>)[keys![i]];
    const text = preview(item, depth - 1, budget - used);
    const part = isArray ? text : `${quoted(keys![i], 40)}: ${text}`;
    parts.push(part);
    used += part.length + 2;
  }
  return isArray ? `[${parts.join(', ')}]` : `{${parts.join(', ')}}`;
}

// ---- names ----

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions: "stpes" → "steps" is 1). */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}

/** The known name nearest to `word` (case ignored), if it is near enough to be a typo of it. */
export function nearest(word: string, known: readonly string[]): string | undefined {
  if (word.length > 64) return undefined;
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const dist = distance(w, k.toLowerCase());
    if (dist < bestD) {
      best = k;
      bestD = dist;
    }
  }
  const allowed = Math.min(3, Math.max(1, Math.round(w.length / 3)));
  return bestD <= allowed ? best : undefined;
}
