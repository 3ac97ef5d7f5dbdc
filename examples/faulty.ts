/**
 * Losses that go wrong on purpose, to see how SGD Landscape reports them: the editor stays
 * responsive and the last good results stay on screen.
 */

/** Throws once the iterate comes near the origin. */
export function throwsNearOrigin(x: number): number {
  if (Math.abs(x) < 0.5) {
    throw new Error(`boom: undefined near the origin (x = ${x.toFixed(3)})`);
  }
  return x * x;
}

/** Never returns. */
export function neverReturns(x: number): number {
  let s = x;
  while (true) s = Math.sin(s);
}

/** NaN for negative x: those trials are counted as diverged. */
export function nanForNegative(x: number): number {
  return Math.sqrt(x) + x * x;
}

/** Allocates without bound. */
export function eatsMemory(x: number): number {
  const hoard: number[][] = [];
  for (;;) hoard.push(new Array(1_000_000).fill(x));
}
