/**
 * Trial-range parts of one method (the workers' chunks, in trial order) joined into one
 * MethodResult: the per-trial arrays concatenated, the Figure 5 sums merged (exactly, so any split
 * gives the same numbers), Theorem 3's checkpoints joined.
 */
import { copyFigure5, mergeFigure5 } from './trajectory';
import type { MethodResult } from './types';

/**
 * Concatenates trial-range parts (in trial order) into one MethodResult. `partial`: a view of the
 * trials done so far (live results), without the Figure 5 sums and Theorem 3's checkpoints.
 */
export function mergeMethodResults(parts: MethodResult[], partial = false): MethodResult {
  if (parts.length === 0) throw new Error('no parts to merge');
  const { figure5, checkpointX, checkpointGrad2, ...first } = parts[0];
  const out: MethodResult = {
    ...first,
    finals: [],
    finalX: [],
    finalLoss: [],
    divergedMask: [],
    diverged: 0,
    starts: [],
    paths: [],
    pathTrials: [],
    snapshots: parts[0].snapshotSteps.map(() => []),
    checkpoints: [],
    stochasticGradNorm: [],
    stageFinals: parts[0].stageFinals.map(() => []),
  };
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
