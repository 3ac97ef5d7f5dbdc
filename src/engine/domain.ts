/**
 * The run's boxes: the default domain grown around the start boxes and the declared points,
 * whether one box lies inside another, and a box in words for messages.
 */
import type { Box } from './types';

/** A box as [low, high] per axis (the first four axes), for messages. */
export function fmtBox(b: Box): string {
  const axes = b.low.slice(0, 4).map((l, i) => `[${l}, ${b.high[i]}]`);
  return axes.join(' × ') + (b.low.length > 4 ? ` × … (${b.low.length} axes)` : '');
}

/** Whether `inner` lies inside `outer` (to 1e-12). */
export function inside(inner: Box, outer: Box): boolean {
  return inner.low.every((l, i) => l >= outer.low[i] - 1e-12) && inner.high.every((h, i) => h <= outer.high[i] + 1e-12);
}

/** Share of a start box's width added on each side of it for the default domain. */
export const DOMAIN_MARGIN = 0.1;

/**
 * The default domain: the union of the start boxes, grown on each side by DOMAIN_MARGIN of its
 * width, and further where a point (a declared target or x*; a minimum of f found beyond the start
 * boxes, see `widenDomain` in targets.ts) lies closer than half that margin to its edge or outside it.
 */
export function defaultDomain(boxes: readonly Box[], points: ReadonlyArray<readonly number[]>): Box {
  const d = boxes[0].low.length;
  const low = boxes[0].low.slice();
  const high = boxes[0].high.slice();
  for (const b of boxes) {
    for (let i = 0; i < d; i++) {
      low[i] = Math.min(low[i], b.low[i]);
      high[i] = Math.max(high[i], b.high[i]);
    }
  }
  for (let i = 0; i < d; i++) {
    const margin = DOMAIN_MARGIN * (high[i] - low[i]);
    let lo = low[i] - margin;
    let hi = high[i] + margin;
    for (const q of points) {
      lo = Math.min(lo, q[i] - margin / 2);
      hi = Math.max(hi, q[i] + margin / 2);
    }
    low[i] = lo;
    high[i] = hi;
  }
  return { low, high };
}
