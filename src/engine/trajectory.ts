/**
 * Figure 5 of the paper along the SGD trials: the inner products that show SGD moving toward
 * where it ends, at the iterate and around it, and the stochastic-gradient norms.
 */
import type { Gradient, Loss, MethodResult, RunConfig, TrajectoryDiagnostics } from './types';
import { differenceGradient } from './differences';
import { Normal, stream } from './rng';

/** ∇f by the user's gradient when given, else central differences (config.fdStep, 0 = automatic). */
function lossGradient(loss: Loss, grad: Gradient | undefined, config: RunConfig): Gradient {
  if (grad) return grad;
  const h = config.fdStep > 0 ? config.fdStep : undefined;
  const fd = differenceGradient(loss, config.dim);
  return (x, out) => fd(x, out, h);
}

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
 * config.probeSamples points w uniform in the ball of config.probeRadius around x_t; (c) the
 * recorded stochastic-gradient norms.
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
  const inner = (at: Float64Array, xt: number[], xT: number[]) => {
    gradient(at, gOut);
    let s = 0;
    for (let j = 0; j < d; j++) s -= gOut[j] * (xT[j] - xt[j]);
    return s;
  };
  for (let c = 0; c < steps.length; c++) {
    const a = new Stats();
    const b = new Stats();
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
      }
      gn.add(sgd.stochasticGradNorm[t]?.[c] ?? NaN);
    }
    out.innerMin.push(a.lo);
    out.innerMean.push(a.mean);
    out.probeMean.push(b.mean);
    out.probeMin.push(b.lo);
    out.probeMax.push(b.hi);
    out.gradNormMean.push(gn.mean);
    out.gradNormMin.push(gn.lo);
    out.gradNormMax.push(gn.hi);
  }
  return out;
}
