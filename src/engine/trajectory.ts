/**
 * Figure 5 of the paper along the SGD trials: the inner products that show SGD moving toward
 * where it ends, at the iterate and around it, and the stochastic-gradient norms.
 */
import type { Gradient, Loss, MethodResult, RunConfig, TrajectoryDiagnostics } from './types';
import { lossGradient } from './differences';
import { Normal, stream } from './rng';

/** Running min / max / mean of the finite values added. */
class Stats {
  private min = Infinity;
  private max = -Infinity;
  private sum = 0;
  private n = 0;
  add(v: number): void {
    if (!Number.isFinite(v)) return;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.sum += v;
    this.n++;
  }
  get mean(): number {
    return this.n ? this.sum / this.n : NaN;
  }
  get lo(): number {
    return this.n ? this.min : NaN;
  }
  get hi(): number {
    return this.n ? this.max : NaN;
  }
}

/**
 * Figure 5 of the paper along the SGD trials (diverged ones left out), per checkpoint t with x_T
 * the trial's final x: (a) ⟨−∇f(x_t), x_T − x_t⟩, min and mean; (b) ⟨−∇f(w), x_T − x_t⟩ at
 * config.probeSamples points w uniform in the ball of config.probeRadius around x_t, and at the
 * same w the caption's other reading ⟨−∇f(w), x_T − w⟩ ("one point convex with respect to x_T":
 * late in a run x_T − x_t is tiny next to the ball, so the first goes negative even on a convex
 * quadratic, the second does not); (c) the recorded stochastic-gradient norms.
 */
export function trajectoryDiagnostics(loss: Loss, grad: Gradient | undefined, config: RunConfig, sgd: MethodResult): TrajectoryDiagnostics {
  const d = config.dim;
  const gradient = lossGradient(loss, grad, config);
  const rng = stream(config.seed, 'probes');
  const normal = new Normal(rng);
  const gOut = new Float64Array(d);
  const w = new Float64Array(d);
  const dir = new Float64Array(d);
  const steps = sgd.checkpointSteps;
  const out: TrajectoryDiagnostics = {
    steps: [...steps],
    innerMin: [],
    innerMean: [],
    probeMean: [],
    probeMin: [],
    probeMax: [],
    gradNormMean: [],
    gradNormMin: [],
    gradNormMax: [],
  };
  // ⟨−∇f(at), xT − ref⟩ after `gradient(at, gOut)`.
  const innerWith = (ref: ArrayLike<number>, xT: number[]) => {
    let s = 0;
    for (let j = 0; j < d; j++) s -= gOut[j] * (xT[j] - ref[j]);
    return s;
  };
  const inner = (at: Float64Array, xt: number[], xT: number[]) => {
    gradient(at, gOut);
    return innerWith(xt, xT);
  };
  const atW: Pick<TrajectoryDiagnostics, 'probeAtWMean' | 'probeAtWMin' | 'probeAtWMax'> = {
    probeAtWMean: [],
    probeAtWMin: [],
    probeAtWMax: [],
  };
  for (let c = 0; c < steps.length; c++) {
    const a = new Stats();
    const b = new Stats();
    const bw = new Stats();
    const gn = new Stats();
    for (let t = 0; t < sgd.checkpoints.length; t++) {
      if (sgd.divergedMask[t]) continue;
      const xt = sgd.checkpoints[t][c];
      const xT = sgd.finalX[t];
      if (!xt || !xT) continue;
      w.set(xt);
      a.add(inner(w, xt, xT));
      for (let s = 0; s < config.probeSamples; s++) {
        let n2 = 0;
        for (let j = 0; j < d; j++) {
          dir[j] = normal.next();
          n2 += dir[j] * dir[j];
        }
        const r = (config.probeRadius * Math.pow(rng(), 1 / d)) / Math.sqrt(n2);
        for (let j = 0; j < d; j++) w[j] = xt[j] + r * dir[j];
        b.add(inner(w, xt, xT));
        bw.add(innerWith(w, xT)); // the same ∇f(w), toward x_T from w
      }
      gn.add(sgd.stochasticGradNorm[t]?.[c] ?? NaN);
    }
    out.innerMin.push(a.lo);
    out.innerMean.push(a.mean);
    out.probeMean.push(b.mean);
    out.probeMin.push(b.lo);
    out.probeMax.push(b.hi);
    atW.probeAtWMean!.push(bw.mean);
    atW.probeAtWMin!.push(bw.lo);
    atW.probeAtWMax!.push(bw.hi);
    out.gradNormMean.push(gn.mean);
    out.gradNormMin.push(gn.lo);
    out.gradNormMax.push(gn.hi);
  }
  return { ...out, ...atW };
}
