/**
 * The paper's Theorem 1 with estimated constants: numbers and which condition fails, never
 * prose (the views word it: src/view/theorem1.ts).
 */
import type { MethodResult, RunConfig, Theorem1Prediction, XStarCheck } from './types';
import { trialStarts } from './sgd';
import { distance, noiseBound } from './geometry';

function median(values: number[]): number {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Theorem 1 for stage `stageIndex` with estimated L and c: λ = 2ηc − η²L², b = (ηr)²(1 + ηL)²,
 * T1 = log(λ‖y0 − x*‖²/b)/λ (median start distance; x0 stands in for y0 = x0 − η∇f(x0)), ball
 * √(20b/λ). Undefined quantities (λ ≤ 0) are NaN. A stage's starts are the ones SGD used: its own
 * box draws when it restarts, else the trials' x0 (stage 0) or the previous stage's finals.
 */
export function theorem1(
  config: RunConfig,
  stageIndex: number,
  L: number,
  c: number,
  xStar: ArrayLike<number>,
  sgd: MethodResult,
  xStarCheck?: XStarCheck,
): Theorem1Prediction {
  const stage = config.stages[stageIndex];
  const eta = stage.lr;
  const a = noiseBound(stage.radius, stage.noise, config.dim);
  const b = a * a * (1 + eta * L) ** 2;
  const lambda = 2 * eta * c - eta * eta * L * L;
  const lrBound = c > 0 ? Math.min(1 / (2 * L), c / (L * L), 1 / (2 * c)) : 0;
  const notMinimiser = xStarCheck?.minimises === false;
  const conditionHolds = !notMinimiser && c > 0 && eta < lrBound;

  let starts: ArrayLike<number>[];
  if (stage.init) starts = trialStarts(config, stageIndex);
  else if (stageIndex === 0) starts = sgd.starts;
  else starts = sgd.stageFinals[stageIndex - 1] ?? [];
  const d0 = median(starts.map((s) => distance(s, xStar)));

  const predicted = !notMinimiser && lambda > 0 && b > 0;
  const T1 = predicted ? Math.max(0, Math.log((lambda * d0 * d0) / b) / lambda) : NaN;
  const ballRadius = predicted ? Math.sqrt((20 * b) / lambda) : NaN;
  const finals = sgd.stageFinals[stageIndex] ?? [];
  const observedInside =
    predicted && finals.length > 0 ? finals.filter((y) => distance(y, xStar) <= ballRadius).length / finals.length : NaN;
  // What the stage did, theorem or not: the median distance to x* of its starts and of its finals.
  const endDistance = median(finals.map((y) => distance(y, xStar)));

  const outcome: Theorem1Prediction['outcome'] = notMinimiser
    ? 'x-star-not-minimiser'
    : Number.isNaN(c)
      ? 'c-unknown'
      : c <= 0
        ? 'c-not-positive'
        : !predicted
          ? 'lr-too-large'
          : 'predicted';
  return {
    stage: stageIndex,
    lr: eta,
    radius: stage.radius,
    noise: stage.noise,
    steps: stage.steps,
    L,
    c,
    outcome,
    conditionHolds,
    lrBound,
    lambda,
    b,
    T1,
    ballRadius,
    observedInside,
    startDistance: d0,
    endDistance,
    ...(xStarCheck ? { xStarCheck } : {}),
  };
}
