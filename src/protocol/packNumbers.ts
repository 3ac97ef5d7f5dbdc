/**
 * The host → webview messages' long number arrays as binary (issue 15). VS Code posts a message to
 * a webview as JSON text, but carries typed arrays beside it as raw bytes (extensions built for
 * VS Code ≥ 1.57). A run's view is mostly numbers — a 2-D run at the paper's scale posts 3.8 MB of
 * JSON, grids of f, g and c(y) and the trials' paths —, and writing, carrying and parsing them
 * as text took seconds from "run finished" to the panel having the result. So the host packs every
 * array of at least `PACK_MIN` numbers, and every grid (an array of equal-length number arrays),
 * into views of one Float64Array (`packNumbers`), and the webview turns them back into the arrays
 * JSON would have given (`unpackNumbers`): NaN and ±Infinity as null, −0 as 0. An array held
 * twice in the message is carried once. Shared by both sides, so it imports nothing.
 */

/** A packed array: `rows` rows of `$numbers.length / rows` numbers (a grid), or a flat array. */
export interface PackedNumbers {
  $numbers: Float64Array;
  rows?: number;
}

/** Arrays shorter than this (and grids of fewer numbers) stay as they are. */
export const PACK_MIN = 64;

const isNumbers = (v: unknown[]): v is number[] => v.every((x) => typeof x === 'number');

/** Equal-length number arrays, at least one: a grid's rows. */
function isGrid(v: unknown[]): v is number[][] {
  if (v.length === 0 || !Array.isArray(v[0])) return false;
  const n = (v[0] as unknown[]).length;
  return n > 0 && v.every((r) => Array.isArray(r) && r.length === n && isNumbers(r));
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype;

/**
 * A copy of `message` (the original is not changed: the host's state is shared) whose number
 * arrays and grids of at least `PACK_MIN` numbers are `PackedNumbers`, all views of one buffer.
 * Plain objects and arrays are walked; anything else (a typed array, a string) is kept as is.
 */
export function packNumbers<T>(message: T): T {
  const parts: Array<{ into: PackedNumbers; rows: number[][] }> = [];
  // An array the message holds twice (a view's `sgd` is one of its `methods`) is packed once.
  const seen = new Map<unknown[], PackedNumbers>();
  let total = 0;
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) {
      const again = seen.get(v);
      if (again) return again;
      const rows = isGrid(v) ? v : isNumbers(v) ? [v] : undefined;
      const count = rows ? rows.length * rows[0].length : 0;
      if (!rows || count < PACK_MIN) return v.map(walk);
      const into: PackedNumbers = rows === v ? { $numbers: new Float64Array(0), rows: rows.length } : { $numbers: new Float64Array(0) };
      parts.push({ into, rows });
      seen.set(v, into);
      total += count;
      return into;
    }
    if (isPlainObject(v)) {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(v)) out[k] = walk(v[k]);
      return out;
    }
    return v;
  };
  const out = walk(message) as T;
  const buffer = new Float64Array(total);
  let at = 0;
  for (const { into, rows } of parts) {
    const start = at;
    for (const r of rows) for (let i = 0; i < r.length; i++) buffer[at++] = r[i];
    into.$numbers = buffer.subarray(start, at);
  }
  return out;
}

const isPacked = (v: Record<string, unknown>): v is Record<string, unknown> & PackedNumbers => v.$numbers instanceof Float64Array;

/** JSON's number: NaN and ±Infinity become null, −0 becomes 0. */
function asJson(x: number): number | null {
  return Number.isFinite(x) ? (x === 0 ? 0 : x) : null;
}

function unpackArray(values: Float64Array, from: number, to: number): Array<number | null> {
  const out = new Array<number | null>(to - from);
  for (let i = from; i < to; i++) out[i - from] = asJson(values[i]);
  return out;
}

/** `message` with every `PackedNumbers` back as the array (or grid) JSON would have carried; the rest as it came. */
export function unpackNumbers<T>(message: T): T {
  const walk = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(walk);
    if (!isPlainObject(v)) return v;
    if (isPacked(v)) {
      const values = v.$numbers;
      if (v.rows === undefined) return unpackArray(values, 0, values.length);
      const n = v.rows > 0 ? values.length / v.rows : 0;
      return Array.from({ length: v.rows }, (_, r) => unpackArray(values, r * n, (r + 1) * n));
    }
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v)) out[k] = walk(v[k]);
    return out;
  };
  return walk(message) as T;
}
