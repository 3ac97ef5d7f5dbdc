/**
 * The noise minibatch SGD actually has, computed exactly over the data. At w, with gᵢ = ∇ℓ(w, eᵢ)
 * and μ = ∇f(w) their mean, the population covariance of the per-example gradients is
 * Σ(w) = (1/n) Σᵢ (gᵢ − μ)(gᵢ − μ)ᵀ, and the mean of B examples drawn uniformly without replacement
 * has covariance C(w) = (n − B) / (B (n − 1)) · Σ(w) (the finite-population correction; 0 at B = n).
 * The paper's isotropic model with the same power has x-space radius η·√tr C: `equivalentRadius`.
 *
 * Shuffled epochs (`sampling: "shuffle"`) draw each batch uniformly too, but not independently of
 * the epoch's earlier batches; C is the covariance of one batch either way.
 */
import { exampleGradients, type FiniteSum } from './finiteSum';
import { methodRoles } from './methods';
import { methodStage } from './sgd';
import type { GradientNoise, MethodResult, RunConfig, Stage } from './types';

/** Σ(w) and the factor (n − B)/(B(n − 1)): C = factor·Σ. */
export function minibatchCovariance(
  rows: readonly Float64Array[],
  B: number,
): { sigma: number[][]; factor: number; covariance: number[][] } {
  const n = rows.length;
  const d = rows[0]?.length ?? 0;
  const mean = new Float64Array(d);
  for (const r of rows) for (let j = 0; j < d; j++) mean[j] += r[j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  const sigma: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const c = new Float64Array(d);
  for (const r of rows) {
    for (let j = 0; j < d; j++) c[j] = r[j] - mean[j];
    for (let j = 0; j < d; j++) for (let k = j; k < d; k++) sigma[j][k] += c[j] * c[k];
  }
  for (let j = 0; j < d; j++) {
    for (let k = j; k < d; k++) {
      sigma[j][k] /= n;
      sigma[k][j] = sigma[j][k];
    }
  }
  const factor = n > 1 ? (n - B) / (B * (n - 1)) : 0;
  return { sigma, factor, covariance: sigma.map((row) => row.map((v) => factor * v)) };
}

/** tr C(w) = factor·Σⱼ Σ(w)ⱼⱼ, without forming the matrix. */
export function minibatchTrace(rows: readonly Float64Array[], B: number): number {
  const n = rows.length;
  if (n < 2) return 0;
  const d = rows[0].length;
  let tr = 0;
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (const r of rows) m += r[j];
    m /= n;
    let s = 0;
    for (const r of rows) s += (r[j] - m) * (r[j] - m);
    tr += s / n;
  }
  return ((n - B) / (B * (n - 1))) * tr;
}

/**
 * `diagnostics.gradientNoise` of a run whose `sgd` method has a minibatch stage on a finite-sum
 * loss (else undefined): C(x*) for the first minibatch stage's B and η, and tr C(x_t) at every
 * Figure 5 checkpoint of the sampled trials (the B of the checkpoint's stage; NaN in a stage
 * without minibatch noise), as mean, min and max over those trials.
 */
export function gradientNoiseDiagnostics(
  fs: FiniteSum | undefined,
  config: RunConfig,
  xStar: number[],
  sgd: MethodResult,
): GradientNoise | undefined {
  if (!fs) return undefined;
  const spec = config.methods[methodRoles(config).sgd];
  const stages: Stage[] = config.stages.map((s) => methodStage(s, spec));
  const first = stages.find((s) => s.noise === 'minibatch');
  if (!first) return undefined;
  const B = first.batchSize ?? fs.n;
  const rows = exampleGradients(fs, xStar, config.fdStep);
  const { covariance } = minibatchCovariance(rows, B);
  const trace = covariance.reduce((s, row, j) => s + row[j], 0);

  // The stage of each checkpoint step (a checkpoint at step t is taken before step t's update).
  const ends: number[] = [];
  stages.reduce((t, s) => (ends.push(t + s.steps), t + s.steps), 0);
  const stageAt = (step: number) =>
    stages[
      Math.max(
        0,
        ends.findIndex((e) => step < e),
      )
    ];
  const traceMean: number[] = [];
  const traceMin: number[] = [];
  const traceMax: number[] = [];
  sgd.checkpointSteps.forEach((step, c) => {
    const st = stageAt(step);
    let sum = 0;
    let lo = Infinity;
    let hi = -Infinity;
    let count = 0;
    if (st.noise === 'minibatch') {
      for (const trial of sgd.pathTrials) {
        if (sgd.divergedMask[trial]) continue;
        const x = sgd.checkpoints[trial]?.[c];
        if (!x) continue;
        const tr = minibatchTrace(exampleGradients(fs, x, config.fdStep), st.batchSize ?? fs.n);
        if (!Number.isFinite(tr)) continue;
        sum += tr;
        lo = Math.min(lo, tr);
        hi = Math.max(hi, tr);
        count++;
      }
    }
    traceMean.push(count ? sum / count : NaN);
    traceMin.push(count ? lo : NaN);
    traceMax.push(count ? hi : NaN);
  });
  return {
    at: [...xStar],
    batchSize: B,
    sampling: first.sampling ?? 'uniform',
    examples: fs.n,
    lr: first.lr,
    covariance,
    trace,
    equivalentRadius: first.lr * Math.sqrt(trace),
    checkpoints: {
      steps: [...sgd.checkpointSteps],
      traceMean,
      traceMin,
      traceMax,
      trials: sgd.pathTrials.filter((t) => !sgd.divergedMask[t]).length,
    },
  };
}
