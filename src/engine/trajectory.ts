/**
 * Figure 5 of the paper along the SGD trials: the inner products that show SGD moving toward
 * where it ends, at the iterate and around it, and the stochastic-gradient norms.
 *
 * Computed where the trials run (issue 15): each trial adds its terms to mergeable sums as soon
 * as it ends (its x_T is known then), from its own checkpoints and its own stream of probes
 * (`probes/<trial>`), so no per-trial series travels to the host. The sums keep min, max, count
 * and the exact sum (exactSum.ts): chunks of trials merged in any grouping give the same numbers,
 * bit for bit, whatever the number of workers.
 */
import type { Figure5Sums, Gradient, Loss, MethodResult, RunConfig, SeriesSums, TrajectoryDiagnostics } from './types';
import { lossGradient } from './differences';
import { Normal, stream } from './rng';
import { addExact, exactValue, mergeExact } from './exactSum';

function emptySeries(count: number): SeriesSums {
  return {
    min: new Array<number>(count).fill(Infinity),
    max: new Array<number>(count).fill(-Infinity),
    sum: Array.from({ length: count }, () => []),
    n: new Array<number>(count).fill(0),
  };
}

export function emptyFigure5(checkpoints: number): Figure5Sums {
  return {
    inner: emptySeries(checkpoints),
    probe: emptySeries(checkpoints),
    probeAtW: emptySeries(checkpoints),
    gradNorm: emptySeries(checkpoints),
  };
}

function add(s: SeriesSums, c: number, v: number): void {
  if (!Number.isFinite(v)) return;
  if (v < s.min[c]) s.min[c] = v;
  if (v > s.max[c]) s.max[c] = v;
  addExact(s.sum[c], v);
  s.n[c]++;
}

function mergeSeries(into: SeriesSums, other: SeriesSums): void {
  for (let c = 0; c < into.n.length; c++) {
    if (other.min[c] < into.min[c]) into.min[c] = other.min[c];
    if (other.max[c] > into.max[c]) into.max[c] = other.max[c];
    mergeExact(into.sum[c], other.sum[c]);
    into.n[c] += other.n[c];
  }
}

/** Adds `other`'s trials into `into` (same checkpoints). */
export function mergeFigure5(into: Figure5Sums, other: Figure5Sums): void {
  mergeSeries(into.inner, other.inner);
  mergeSeries(into.probe, other.probe);
  mergeSeries(into.probeAtW, other.probeAtW);
  mergeSeries(into.gradNorm, other.gradNorm);
}

/** A copy that merging into leaves `sums` alone. */
export function copyFigure5(sums: Figure5Sums): Figure5Sums {
  const copy = (s: SeriesSums): SeriesSums => ({ min: [...s.min], max: [...s.max], sum: s.sum.map((p) => [...p]), n: [...s.n] });
  return { inner: copy(sums.inner), probe: copy(sums.probe), probeAtW: copy(sums.probeAtW), gradNorm: copy(sums.gradNorm) };
}

/** The Figure 5 series at checkpoint steps `steps` from the sums of all trials (NaN where none was finite). */
export function figure5Series(steps: readonly number[], sums: Figure5Sums): TrajectoryDiagnostics {
  const mean = (s: SeriesSums) => s.n.map((n, c) => (n ? exactValue(s.sum[c]) / n : NaN));
  const lo = (s: SeriesSums) => s.min.map((v, c) => (s.n[c] ? v : NaN));
  const hi = (s: SeriesSums) => s.max.map((v, c) => (s.n[c] ? v : NaN));
  return {
    steps: [...steps],
    innerMin: lo(sums.inner),
    innerMean: mean(sums.inner),
    probeMean: mean(sums.probe),
    probeMin: lo(sums.probe),
    probeMax: hi(sums.probe),
    gradNormMean: mean(sums.gradNorm),
    gradNormMin: lo(sums.gradNorm),
    gradNormMax: hi(sums.gradNorm),
    probeAtWMean: mean(sums.probeAtW),
    probeAtWMin: lo(sums.probeAtW),
    probeAtWMax: hi(sums.probeAtW),
  };
}

/**
 * Adds trials' Figure 5 terms, one trial at a time (that did not diverge), per checkpoint t with
 * x_T the trial's final x: (a) ⟨−∇f(x_t), x_T − x_t⟩; (b) ⟨−∇f(w), x_T − x_t⟩ at
 * config.probeSamples points w uniform in the ball of config.probeRadius around x_t, and at the
 * same w the caption's other reading ⟨−∇f(w), x_T − w⟩ ("one point convex with respect to x_T":
 * late in a run x_T − x_t is tiny next to the ball, so the first goes negative even on a convex
 * quadratic, the second does not); (c) the recorded stochastic-gradient norm.
 */
export class Figure5Terms {
  private readonly gradient: Gradient;
  private readonly gOut: Float64Array;
  private readonly dir: Float64Array;
  /** The point whose gradient is being taken (x_t or a probe w): where a throwing loss was. */
  readonly at: Float64Array;

  constructor(
    loss: Loss,
    grad: Gradient | undefined,
    private readonly config: RunConfig,
  ) {
    const d = config.dim;
    this.gradient = lossGradient(loss, grad, config);
    this.gOut = new Float64Array(d);
    this.dir = new Float64Array(d);
    this.at = new Float64Array(d);
  }

  /**
   * Trial `trial`'s terms into `sums`: `checkpoints[c]` is x_t at checkpoint c (fewer when the
   * trial stopped early), `gnorms[c]` its stochastic-gradient norm. When `grad2` is given,
   * ‖∇f(x_t)‖² of checkpoint c goes to grad2[offset + c] (Theorem 3 reads it).
   */
  add(
    sums: Figure5Sums,
    trial: number,
    checkpoints: ReadonlyArray<ArrayLike<number>>,
    xT: ArrayLike<number>,
    gnorms: ReadonlyArray<number>,
    grad2?: Float64Array,
    offset = 0,
  ): void {
    const { config, gradient, gOut, dir, at: w } = this;
    const d = config.dim;
    const rng = stream(config.seed, `probes/${trial}`);
    const normal = new Normal(rng);
    // ⟨−∇f(at), xT − ref⟩ after `gradient(at, gOut)`.
    const innerWith = (ref: ArrayLike<number>) => {
      let s = 0;
      for (let j = 0; j < d; j++) s -= gOut[j] * (xT[j] - ref[j]);
      return s;
    };
    for (let c = 0; c < checkpoints.length; c++) {
      const xt = checkpoints[c];
      for (let j = 0; j < d; j++) w[j] = xt[j];
      gradient(w, gOut);
      add(sums.inner, c, innerWith(xt));
      if (grad2) {
        let g2 = 0;
        for (let j = 0; j < d; j++) g2 += gOut[j] * gOut[j];
        grad2[offset + c] = g2;
      }
      for (let s = 0; s < config.probeSamples; s++) {
        let n2 = 0;
        for (let j = 0; j < d; j++) {
          dir[j] = normal.next();
          n2 += dir[j] * dir[j];
        }
        const r = (config.probeRadius * Math.pow(rng(), 1 / d)) / Math.sqrt(n2);
        for (let j = 0; j < d; j++) w[j] = xt[j] + r * dir[j];
        gradient(w, gOut);
        add(sums.probe, c, innerWith(xt));
        add(sums.probeAtW, c, innerWith(w)); // the same ∇f(w), toward x_T from w
      }
      add(sums.gradNorm, c, gnorms[c] ?? NaN);
    }
  }
}

/**
 * Figure 5 from per-trial data held in full (entry t of `checkpoints`, `finalX`,
 * `stochasticGradNorm` and `divergedMask` is trial t; diverged trials left out): the same sums
 * and rule as the trial workers use.
 */
export function trajectoryDiagnostics(
  loss: Loss,
  grad: Gradient | undefined,
  config: RunConfig,
  perTrial: Pick<MethodResult, 'checkpoints' | 'checkpointSteps' | 'finalX' | 'divergedMask' | 'stochasticGradNorm'>,
): TrajectoryDiagnostics {
  const sums = emptyFigure5(perTrial.checkpointSteps.length);
  const terms = new Figure5Terms(loss, grad, config);
  perTrial.checkpoints.forEach((cps, t) => {
    const xT = perTrial.finalX[t];
    if (perTrial.divergedMask[t] || !xT) return;
    terms.add(sums, t, cps, xT, perTrial.stochasticGradNorm[t] ?? []);
  });
  return figure5Series(perTrial.checkpointSteps, sums);
}
