/**
 * Sums whose value does not depend on the order of the terms: the exact sum is kept as a short
 * list of non-overlapping doubles (Shewchuk's partials, as Python's math.fsum), two lists merge
 * exactly, and the value is the exact sum correctly rounded. So statistics summed in trial chunks
 * on any number of workers, then merged, give the same mean bit for bit as one pass.
 */

/**
 * Adds x (finite) to the exact sum whose n partials are at parts[base … base + n) (room for n + 1
 * there); returns their new count. Typed storage, so the hot caller (Figure 5's sums, 17 values
 * per checkpoint of every trial) allocates nothing.
 */
export function addExactAt(parts: Float64Array, base: number, n: number, x: number): number {
  let i = 0;
  for (let j = 0; j < n; j++) {
    let y = parts[base + j];
    if (Math.abs(x) < Math.abs(y)) {
      const t = x;
      x = y;
      y = t;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) parts[base + i++] = lo;
    x = hi;
  }
  parts[base + i] = x;
  return i + 1;
}

/** Adds the exact sum `other` into `partials` (each add grows the partials by one at most). */
export function mergeExact(partials: number[], other: readonly number[]): void {
  const parts = new Float64Array(partials.length + other.length);
  parts.set(partials);
  let n = partials.length;
  for (const p of other) n = addExactAt(parts, 0, n, p);
  partials.length = n;
  for (let i = 0; i < n; i++) partials[i] = parts[i];
}

/** Adds x (finite) to the exact sum held by `partials`, in place. */
export function addExact(partials: number[], x: number): void {
  mergeExact(partials, [x]);
}

/** The exact sum correctly rounded to a double (the final step of math.fsum). */
export function exactValue(partials: readonly number[]): number {
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n];
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n];
    hi = x + y;
    lo = y - (hi - x);
    if (lo !== 0) break;
  }
  // Round half to even correctly: the rest below decides a tie.
  if (n > 0 && ((lo < 0 && partials[n - 1] < 0) || (lo > 0 && partials[n - 1] > 0))) {
    const y = lo * 2;
    const x = hi + y;
    if (y === x - hi) hi = x;
  }
  return hi;
}
