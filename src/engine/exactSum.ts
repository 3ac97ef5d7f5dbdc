/**
 * Sums whose value does not depend on the order of the terms: the exact sum is kept as a short
 * list of non-overlapping doubles (Shewchuk's partials, as Python's math.fsum), two lists merge
 * exactly, and the value is the exact sum correctly rounded. So statistics summed in trial chunks
 * on any number of workers, then merged, give the same mean bit for bit as one pass.
 */

/** Adds x (finite) to the exact sum held by `partials`, in place. */
export function addExact(partials: number[], x: number): void {
  const n = partials.length;
  let i = 0;
  for (let j = 0; j < n; j++) {
    let y = partials[j];
    if (Math.abs(x) < Math.abs(y)) {
      const t = x;
      x = y;
      y = t;
    }
    const hi = x + y;
    const lo = y - (hi - x);
    if (lo !== 0) partials[i++] = lo;
    x = hi;
  }
  // In place: shrinking the array and pushing onto it measured ~1.6× the cost of this function
  // (it runs 17 times per checkpoint of every trial, for Figure 5).
  if (i === n) partials.push(x);
  else {
    partials[i] = x;
    partials.length = i + 1;
  }
}

/**
 * `addExact` on partials held in a typed array: the n partials at parts[base … base + n) (room for
 * n + 1 there) take x; returns their new count. The same steps, so the same partials.
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

/** Adds the exact sum `other` into `partials`. */
export function mergeExact(partials: number[], other: readonly number[]): void {
  for (const p of other) addExact(partials, p);
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
