/**
 * Trial-range parts of one method (the workers' chunks, in trial order) joined into one
 * MethodResult: the per-trial arrays concatenated, the Figure 5 sums merged (exactly, so any split
 * gives the same numbers), Theorem 3's checkpoints joined.
 */
import { copyFigure5, mergeFigure5 } from './trajectory';
import type { MethodResult } from './types';

/**
 * A method's result before any trial: every per-trial list empty, the run's fixed steps
 * (`finalsAre`, path, snapshot and checkpoint steps) from `shape`, one empty list per stage and
 * snapshot step. sgd.ts starts each trial range from it, and merging parts starts from it too.
 */
export function emptyMethodResult(
  shape: Pick<MethodResult, 'finalsAre' | 'pathSteps' | 'snapshotSteps' | 'checkpointSteps'>,
  stages: number,
): MethodResult {
  return {
    finals: [],
    finalsAre: shape.finalsAre,
    finalX: [],
    finalLoss: [],
    divergedMask: [],
    diverged: 0,
    starts: [],
    paths: [],
    pathTrials: [],
    pathSteps: shape.pathSteps,
    snapshots: shape.snapshotSteps.map(() => []),
    snapshotSteps: shape.snapshotSteps,
    checkpoints: [],
    checkpointSteps: shape.checkpointSteps,
    stochasticGradNorm: [],
    stageFinals: Array.from({ length: stages }, () => []),
  };
}

/**
 * Concatenates trial-range parts (in trial order) into one MethodResult. `partial`: a view of the
 * trials done so far (live results), without the Figure 5 sums and Theorem 3's checkpoints.
 */
export function mergeMethodResults(parts: MethodResult[], partial = false): MethodResult {
  if (parts.length === 0) throw new Error('no parts to merge');
  const { figure5, checkpointX, checkpointGrad2 } = parts[0];
  const out = emptyMethodResult(parts[0], parts[0].stageFinals.length);
  for (const p of parts) {
    out.finals.push(...p.finals);
    out.finalX.push(...p.finalX);
    out.finalLoss.push(...p.finalLoss);
    out.divergedMask.push(...p.divergedMask);
    out.diverged += p.diverged;
    out.starts.push(...p.starts);
    out.paths.push(...p.paths);
    out.pathTrials.push(...p.pathTrials);
    p.snapshots.forEach((at, k) => out.snapshots[k]!.push(...at));
    out.checkpoints.push(...p.checkpoints);
    out.stochasticGradNorm.push(...p.stochasticGradNorm);
    p.stageFinals.forEach((sf, k) => out.stageFinals[k].push(...sf));
  }
  if (!partial && figure5 && checkpointX && checkpointGrad2) {
    out.figure5 = copyFigure5(figure5);
    for (const p of parts.slice(1)) if (p.figure5) mergeFigure5(out.figure5, p.figure5);
    out.checkpointX = concat(parts.map((p) => p.checkpointX ?? new Float64Array(0)));
    out.checkpointGrad2 = concat(parts.map((p) => p.checkpointGrad2 ?? new Float64Array(0)));
  }
  return out;
}

function concat(arrays: Float64Array[]): Float64Array {
  const out = new Float64Array(arrays.reduce((n, a) => n + a.length, 0));
  let at = 0;
  for (const a of arrays) {
    out.set(a, at);
    at += a.length;
  }
  return out;
}
