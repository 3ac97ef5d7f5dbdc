/**
 * Which of a trial's iterates a run keeps besides its finals: the sampled paths' steps
 * (`evenSteps`), the snapshot steps at which every trial is kept (`snapshotSteps`), and the copy
 * of a point out of the kernels' typed arrays (`numbers`). Functions of the config alone, so any
 * split of the trials over workers keeps the same steps. The trial loop (sgd.ts) takes the path
 * points inside its kernels (`StepState.rec`), the snapshots and checkpoints between its runs.
 */
import { totalSteps } from './schedule';
import type { RunConfig } from './types';

/** Evenly spaced integer steps from 0 to last (inclusive), at most `count` distinct ones. */
export function evenSteps(last: number, count: number): number[] {
  const out: number[] = [];
  if (last <= 0) return [0];
  for (let k = 0; k < count; k++) {
    const s = Math.round((k * last) / (count - 1));
    if (out.length === 0 || out[out.length - 1] !== s) out.push(s);
  }
  return out;
}

/** Snapshot steps at most (see `snapshotSteps`). */
export const SNAPSHOTS_MAX = 10;
/**
 * Numbers the snapshots of all the run's methods hold at most (one copy): trials × d × methods ×
 * steps. 1000 trials of SGD and GD in 2-D keep all 10 (40 000 numbers, under 1 MB of JSON).
 */
export const SNAPSHOT_NUMBERS = 50_000;

/**
 * The steps at which every trial's x_t is kept (`MethodResult.snapshots`), so the panel can show
 * where all trials are at the time slider's step, not only the sampled paths: d ≤ 2 only, step 0
 * and up to SNAPSHOTS_MAX − 1 more evenly spaced before the end (the end is the finals), each a
 * step of the sampled paths (the slider lands on it), as many as SNAPSHOT_NUMBERS allows for the
 * run's trials, dimension and methods (none when fewer than two fit). A function of the config
 * alone: the same on any number of workers.
 */
export function snapshotSteps(config: RunConfig): number[] {
  const T = totalSteps(config);
  if (config.dim > 2 || T < 2) return [];
  const fit = Math.floor(SNAPSHOT_NUMBERS / (config.trials * config.dim * Math.max(1, config.methods.length)));
  const count = Math.min(SNAPSHOTS_MAX, fit);
  if (count < 2) return [];
  const path = evenSteps(T, config.trajectoryPoints);
  const out: number[] = [];
  const last = path.length - 2; // path[last + 1] = T is the finals' step, never a snapshot's
  for (let k = 0; k < count; k++) {
    const want = (k * T) / count;
    // The path step nearest k·T/count (the lower on a tie): path steps increase, so bisect.
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (path[mid]! <= want) lo = mid;
      else hi = mid - 1;
    }
    const step = lo < last && path[lo + 1]! - want < want - path[lo]! ? path[lo + 1]! : path[lo]!;
    if (out.length === 0 || out[out.length - 1]! < step) out.push(step);
  }
  return out;
}

/**
 * src[at … at + d) as numbers: a plain loop (Array.from on a typed array goes through its
 * iterator, measured at several times the cost, and a trial keeps hundreds of path points).
 */
export function numbers(src: Float64Array, at: number, d: number): number[] {
  const out = new Array<number>(d);
  for (let j = 0; j < d; j++) out[j] = src[at + j];
  return out;
}
