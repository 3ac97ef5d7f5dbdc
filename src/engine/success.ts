/**
 * The one rule of success, for every count the tools show: a trial succeeds when it did not
 * diverge and its final point lies within the success radius of any target (the run's `targets`,
 * else a declared x*, else the global minima of f found on the grid: targets.ts). Runs, sweeps and
 * the panel all count through `countSuccess`, with the radius from
 * `successRadiusOf` (diagnostics.ts).
 */
import { distance, inBox } from './geometry';
import type { Box, MethodSuccess } from './types';

/**
 * Index of the target nearest to `p` if it lies within `radius` of it, else −1 (ties go to the
 * first target listed).
 */
export function nearestTarget(p: ArrayLike<number>, targets: ReadonlyArray<ArrayLike<number>>, radius: number): number {
  let best = -1;
  let bestD = Infinity;
  for (let k = 0; k < targets.length; k++) {
    const dk = distance(p, targets[k]);
    if (dk <= radius && dk < bestD) {
      best = k;
      bestD = dk;
    }
  }
  return best;
}

/**
 * How one method's finals fared: successes (not diverged, within `radius` of a target), each
 * counted at its nearest target in `perTarget`, and the finals (not diverged) outside `domain`
 * (the drawn box: counted, never dropped; 0 without a domain). `successRate` is over all trials, diverged included.
 */
export function countSuccess(
  finals: ReadonlyArray<ArrayLike<number>>,
  divergedMask: readonly boolean[],
  targets: ReadonlyArray<ArrayLike<number>>,
  radius: number,
  domain?: Box,
): MethodSuccess {
  const perTarget = new Array<number>(targets.length).fill(0);
  let success = 0;
  let outside = 0;
  finals.forEach((p, t) => {
    if (divergedMask[t]) return;
    if (domain && !inBox(p, domain)) outside++;
    const k = nearestTarget(p, targets, radius);
    if (k >= 0) {
      perTarget[k]++;
      success++;
    }
  });
  return { success, successRate: finals.length ? success / finals.length : 0, perTarget, outside };
}
