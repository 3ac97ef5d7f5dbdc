/**
 * Where f and g have gaps, in words: the landscape's grid points where f is NaN or ±Infinity, and
 * for each smoothed landscape g (2-D) the grid points whose kernel reaches a point where f is not
 * finite, with the first such point and value. One sentence each, for the CLI's summary and the
 * panel's. Pure; engine types only.
 */
import type { Landscape } from '../engine/types';

/** The sentences for `landscape` of function `fn` (none when f and every g are finite everywhere). */
export function gapLines(landscape: Pick<Landscape, 'x' | 'y' | 'nonFinite' | 'smoothed'>, fn: string): string[] {
  const fmt = (v: number) => (Number.isFinite(v) ? String(+v.toPrecision(4)) : String(v));
  const point = (x: readonly number[]) => `[${x.map(fmt).join(', ')}]`;
  const nf = landscape.nonFinite;
  const lines: string[] = [];
  const grid = landscape.x.length * (landscape.y?.length ?? 1);
  if (nf) {
    lines.push(
      `${fn} is not finite at ${nf.count} of ${nf.of} landscape points (first ${nf.value} at x = ${point(nf.at)}); they are gaps, left out of x*, c and L`,
    );
  }
  for (const g of landscape.smoothed) {
    const gn = g.nonFinite;
    if (!gn) continue;
    lines.push(
      `g (${g.noise} radius ${g.radius}) has ${gn.gaps} gaps among its ${grid} grid points: ${fn} is ${gn.value} at x = ${point(gn.at)} (${gn.count} of the ${gn.of} points the smoothing samples, between and beyond the grid points too), and g is not defined where its kernel reaches them`,
    );
  }
  return lines;
}
