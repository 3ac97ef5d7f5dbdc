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
import { lossGradient, scalarDifferenceGradient } from './differences';
import { Normal, stream } from './rng';
import { addExactAt, exactValue, mergeExact } from './exactSum';

/**
 * One series' statistics at each checkpoint while trials are added: min, max, count, and the exact
 * sum's partials (exactSum.ts `addExactAt`, the one step every exact sum takes) on typed arrays, so adding a value
 * allocates nothing (a JS array of partials that shrinks and grows again reallocates its store:
 * measured ~80 MB of garbage per 1000 trials of 50 checkpoints). `sums()` gives the SeriesSums.
 */
class SeriesAcc {
  readonly min: Float64Array;
  readonly max: Float64Array;
  readonly n: Float64Array;
  /** Partials of checkpoint c at [c·cap, c·cap + len[c]). */
  private parts: Float64Array;
  private readonly len: Int32Array;
  private cap = 8;

  constructor(private readonly count: number) {
    this.min = new Float64Array(count).fill(Infinity);
    this.max = new Float64Array(count).fill(-Infinity);
    this.n = new Float64Array(count);
    this.parts = new Float64Array(count * this.cap);
    this.len = new Int32Array(count);
  }

  /**
   * Adds vals[0 … n) at checkpoint c, in order (a buffer, not a number argument: a call V8 does
   * not inline would box each double).
   */
  add(c: number, vals: Float64Array, n: number): void {
    for (let k = 0; k < n; k++) {
      const v = vals[k];
      if (!Number.isFinite(v)) continue;
      if (v < this.min[c]) this.min[c] = v;
      if (v > this.max[c]) this.max[c] = v;
      this.n[c]++;
      if (this.len[c] === this.cap) this.grow();
      this.len[c] = addExactAt(this.parts, c * this.cap, this.len[c], v);
    }
  }

  private grow(): void {
    const cap = 2 * this.cap;
    const parts = new Float64Array(this.count * cap);
    for (let c = 0; c < this.count; c++) parts.set(this.parts.subarray(c * this.cap, c * this.cap + this.len[c]), c * cap);
    this.parts = parts;
    this.cap = cap;
  }

  sums(): SeriesSums {
    return {
      min: Array.from(this.min),
      max: Array.from(this.max),
      sum: Array.from(this.len, (l, c) => Array.from(this.parts.subarray(c * this.cap, c * this.cap + l))),
      n: Array.from(this.n),
    };
  }
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
 * S points w uniform in the ball of `radius` around x_t = xs[at … at + d) into out (point s at
 * [s·d, (s + 1)·d)): per point, d normals for the direction, then one uniform for the radius.
 */
function drawProbes(
  rng: () => number,
  normal: Normal,
  radius: number,
  xs: ArrayLike<number>,
  at: number,
  d: number,
  S: number,
  out: Float64Array,
): void {
  for (let s = 0; s < S; s++) {
    const o = s * d;
    let n2 = 0;
    for (let j = 0; j < d; j++) {
      const v = normal.next();
      out[o + j] = v;
      n2 += v * v;
    }
    const r = (radius * Math.pow(rng(), 1 / d)) / Math.sqrt(n2);
    for (let j = 0; j < d; j++) out[o + j] = xs[at + j] + r * out[o + j];
  }
}

/**
 * Adds trials' Figure 5 terms, one trial at a time (that did not diverge), per checkpoint t with
 * x_T the trial's final x: (a) ⟨−∇f(x_t), x_T − x_t⟩; (b) ⟨−∇f(w), x_T − x_t⟩ at
 * config.probeSamples points w uniform in the ball of config.probeRadius around x_t, and at the
 * same w the caption's other reading ⟨−∇f(w), x_T − w⟩ ("one point convex with respect to x_T":
 * late in a run x_T − x_t is tiny next to the ball, so the first goes negative even on a convex
 * quadratic, the second does not); (c) the recorded stochastic-gradient norm. `sums()` gives the
 * sums of the trials added.
 */
export class Figure5Terms {
  private readonly gradient: Gradient;
  private readonly gOut: Float64Array;
  /** A checkpoint's probe points (point s at [s·d, (s + 1)·d)) and values of its terms. */
  private readonly probes: Float64Array;
  private readonly vals: Float64Array;
  private readonly valsW: Float64Array;
  /** x_T of the trial being added (a copy: `at` may be the caller's iterate). */
  private readonly xT: Float64Array;
  private readonly inner: SeriesAcc;
  private readonly probe: SeriesAcc;
  private readonly probeAtW: SeriesAcc;
  private readonly gradNorm: SeriesAcc;
  /** The point whose gradient is being taken (x_t or a probe w): where a throwing loss was. */
  readonly at: Float64Array;

  /**
   * `checkpoints`: how many each trial has at most. `watch`: the trial worker's shared iterate and
   * heartbeat. A loss of one or two numbers is called on scalars, past the worker's guard (as the
   * SGD kernels call it), so the terms keep the watchdog's view themselves: each point goes to
   * `watch.at` before its gradient (a hung loss is reported with it) and the heartbeat is bumped
   * once per gradient.
   */
  constructor(
    loss: Loss,
    grad: Gradient | undefined,
    private readonly config: RunConfig,
    checkpoints: number,
    private readonly watch: { at?: Float64Array; heartbeat?: Int32Array; heartbeatIndex?: number } = {},
  ) {
    const d = config.dim;
    const h = config.fdStep > 0 ? config.fdStep : undefined;
    this.gradient = (grad ? undefined : scalarDifferenceGradient(loss, d, h)) ?? lossGradient(loss, grad, config);
    this.gOut = new Float64Array(d);
    this.probes = new Float64Array(config.probeSamples * d);
    this.vals = new Float64Array(Math.max(1, config.probeSamples));
    this.valsW = new Float64Array(Math.max(1, config.probeSamples));
    this.xT = new Float64Array(d);
    this.at = watch.at && watch.at.length >= d ? watch.at.subarray(0, d) : new Float64Array(d);
    this.inner = new SeriesAcc(checkpoints);
    this.probe = new SeriesAcc(checkpoints);
    this.probeAtW = new SeriesAcc(checkpoints);
    this.gradNorm = new SeriesAcc(checkpoints);
  }

  /**
   * Trial `trial`'s terms: x_t of checkpoint c at xs[c·d … (c + 1)·d) for c < count (fewer than
   * the run's checkpoints when the trial stopped early), `gnorms[c]` its stochastic-gradient norm.
   * When `grad2` is given, ‖∇f(x_t)‖² of checkpoint c goes to grad2[offset + c] (Theorem 3 reads it).
   */
  add(
    trial: number,
    xs: ArrayLike<number>,
    count: number,
    xTIn: ArrayLike<number>,
    gnorms: ArrayLike<number>,
    grad2?: Float64Array,
    offset = 0,
  ): void {
    const { config, gradient, gOut, xT, at: w, probes, vals, valsW } = this;
    const { heartbeat, heartbeatIndex = 0 } = this.watch;
    const d = config.dim;
    const S = config.probeSamples;
    for (let j = 0; j < d; j++) xT[j] = xTIn[j];
    const rng = stream(config.seed, `probes/${trial}`);
    const normal = new Normal(rng);
    for (let c = 0; c < count; c++) {
      const at = c * d;
      for (let j = 0; j < d; j++) w[j] = xs[at + j];
      if (heartbeat) heartbeat[heartbeatIndex]++;
      gradient(w, gOut);
      // ⟨−∇f(x_t), x_T − x_t⟩, and its ‖∇f(x_t)‖².
      let inner = 0;
      let g2 = 0;
      for (let j = 0; j < d; j++) {
        inner -= gOut[j] * (xT[j] - xs[at + j]);
        g2 += gOut[j] * gOut[j];
      }
      vals[0] = inner;
      this.inner.add(c, vals, 1);
      if (grad2) grad2[offset + c] = g2;
      // The probe points first (their draws only: the gradients draw nothing, so the same stream).
      drawProbes(rng, normal, config.probeRadius, xs, at, d, S, probes);
      for (let s = 0; s < S; s++) {
        for (let j = 0; j < d; j++) w[j] = probes[s * d + j];
        if (heartbeat) heartbeat[heartbeatIndex]++;
        gradient(w, gOut);
        // ⟨−∇f(w), x_T − x_t⟩ and, with the same ∇f(w), toward x_T from w: ⟨−∇f(w), x_T − w⟩.
        let toXt = 0;
        let toW = 0;
        for (let j = 0; j < d; j++) {
          toXt -= gOut[j] * (xT[j] - xs[at + j]);
          toW -= gOut[j] * (xT[j] - w[j]);
        }
        vals[s] = toXt;
        valsW[s] = toW;
      }
      this.probe.add(c, vals, S);
      this.probeAtW.add(c, valsW, S);
      vals[0] = c < gnorms.length ? gnorms[c] : NaN;
      this.gradNorm.add(c, vals, 1);
    }
  }

  /** The sums of the trials added so far. */
  sums(): Figure5Sums {
    return { inner: this.inner.sums(), probe: this.probe.sums(), probeAtW: this.probeAtW.sums(), gradNorm: this.gradNorm.sums() };
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
  const C = perTrial.checkpointSteps.length;
  const terms = new Figure5Terms(loss, grad, config, C);
  const d = config.dim;
  const xs = new Float64Array(C * d);
  perTrial.checkpoints.forEach((cps, t) => {
    const xT = perTrial.finalX[t];
    if (perTrial.divergedMask[t] || !xT) return;
    cps.forEach((cp, c) => {
      for (let j = 0; j < d; j++) xs[c * d + j] = cp[j];
    });
    terms.add(t, xs, cps.length, xT, perTrial.stochasticGradNorm[t] ?? []);
  });
  return figure5Series(perTrial.checkpointSteps, terms.sums());
}
