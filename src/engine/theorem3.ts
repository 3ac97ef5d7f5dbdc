/**
 * The paper's Theorem 3 (step too big, its Figure 4) along the SGD trajectories: with
 * c′ = sup ⟨−∇f(y), x* − y⟩/‖x* − y‖² over the start region, one full gradient step from x moves
 * farther from x* when η > 2c′‖x − x*‖²/‖∇f(x)‖². Checked at every recorded checkpoint x_t.
 */
import type { Gradient, Landscape, Loss, MethodResult, RunConfig, Theorem3Report } from './types';
import { lossGradient } from './differences';
import { stageLr } from './schedule';
import { forEachGridPoint } from './grid';
import { inBox } from './geometry';
import { convexityRegion } from './convexity';

/**
 * c′ on the landscape grid points inside the init box (d > 2 slices that miss it: inside the domain,
 * `convexityRegion`; x* itself left out), then the condition at
 * each checkpoint of each trial that did not diverge, with η the rate of the step taken there.
 */
export function theorem3(
  loss: Loss,
  grad: Gradient | undefined,
  config: RunConfig,
  landscape: Landscape,
  xStar: ArrayLike<number>,
  sgd: MethodResult,
): Theorem3Report {
  const d = config.dim;
  const gradient = lossGradient(loss, grad, config);
  const g = new Float64Array(d);
  let cPrime = -Infinity;
  const { box } = convexityRegion(config, landscape);
  forEachGridPoint(landscape, d, (p) => {
    if (!inBox(p, box)) return;
    let n2 = 0;
    for (let j = 0; j < d; j++) n2 += (xStar[j] - p[j]) ** 2;
    if (n2 === 0) return;
    gradient(p, g);
    let s = 0;
    for (let j = 0; j < d; j++) s -= g[j] * (xStar[j] - p[j]);
    if (s / n2 > cPrime) cPrime = s / n2;
  });
  if (!Number.isFinite(cPrime)) cPrime = NaN;

  // η at each checkpoint step: the stage that contains it, at its offset in the stage.
  const lrAt = sgd.checkpointSteps.map((step) => {
    let start = 0;
    for (const stage of config.stages) {
      if (step < start + stage.steps) return stageLr(stage, step - start);
      start += stage.steps;
    }
    const last = config.stages[config.stages.length - 1];
    return stageLr(last, last.steps - 1);
  });
  const report: Theorem3Report = { cPrime, checked: 0, tooBig: 0, steps: [], counts: [] };
  const low = new Array<number>(d).fill(Infinity);
  const high = new Array<number>(d).fill(-Infinity);
  let distMin = Infinity;
  let distMax = -Infinity;
  // Each trial's checkpoints and ‖∇f(x_t)‖² as the trial workers kept them (NaN: diverged, or
  // stopped before), else (a MethodResult made without them) from `checkpoints`, trial by trial.
  const C = sgd.checkpointSteps.length;
  const kept = sgd.checkpointX && sgd.checkpointGrad2 ? { x: sgd.checkpointX, g2: sgd.checkpointGrad2 } : undefined;
  const trials = kept ? kept.g2.length / Math.max(1, C) : sgd.checkpoints.length;
  const x = new Float64Array(d);
  sgd.checkpointSteps.forEach((step, c) => {
    let count = 0;
    for (let t = 0; t < trials; t++) {
      if (sgd.divergedMask[t]) continue;
      let g2 = 0;
      // x_t at xt[at … at + d): read in place from the kept checkpoints (a subarray per
      // checkpoint cost ~130 ms at 10000 trials × 50 checkpoints).
      let xt: Float64Array = x;
      let at = 0;
      if (kept) {
        g2 = kept.g2[t * C + c];
        if (Number.isNaN(g2)) continue;
        xt = kept.x;
        at = (t * C + c) * d;
      } else {
        const cp = sgd.checkpoints[t][c];
        if (!cp) continue;
        x.set(cp);
        gradient(x, g);
        for (let j = 0; j < d; j++) g2 += g[j] * g[j];
      }
      let r2 = 0;
      for (let j = 0; j < d; j++) r2 += (xt[at + j] - xStar[j]) ** 2;
      if (!Number.isFinite(g2)) continue;
      report.checked++;
      // η > 2c′r²/‖∇f‖², written without dividing (∇f = 0 only with r = 0 or c′ ≤ 0 matters).
      if (cPrime > 0 && r2 > 0 && lrAt[c] * g2 > 2 * cPrime * r2) {
        count++;
        const r = Math.sqrt(r2);
        distMin = Math.min(distMin, r);
        distMax = Math.max(distMax, r);
        for (let j = 0; j < d; j++) {
          low[j] = Math.min(low[j], xt[at + j]);
          high[j] = Math.max(high[j], xt[at + j]);
        }
      }
    }
    if (count > 0) {
      report.steps.push(step);
      report.counts.push(count);
      report.tooBig += count;
    }
  });
  if (report.tooBig > 0) {
    report.region = { low, high };
    report.distMin = distMin;
    report.distMax = distMax;
  }
  return report;
}
