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
import { batchGradient, exampleGradients, finiteSumGradient, type FiniteSum } from './finiteSum';
import { drawBatch, newSampler } from './minibatch';
import { stream } from './rng';
import { methodRoles } from './methods';
import { methodStage } from './sgd';
import type { GradientNoise, MethodResult, RunConfig, Stage } from './types';

/** Kicks drawn at x* to compare their law with the Gaussian model (`kickTest`). */
export const KICK_SAMPLES = 2000;
/** Above this dimension C's eigenvectors are not computed (Jacobi is O(d³) per sweep). */
export const EIGEN_MAX_DIM = 64;

/**
 * Eigenvalues (descending) and unit eigenvectors of a symmetric matrix, by cyclic Jacobi
 * rotations until the off-diagonal mass is below 1e-30 of the total (or 100 sweeps).
 */
export function symmetricEigen(m: readonly number[][]): { values: number[]; vectors: number[][] } {
  const d = m.length;
  const a = m.map((r) => [...r]);
  const v: number[][] = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
  const total = a.reduce((s, r) => s + r.reduce((t, x) => t + x * x, 0), 0);
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    for (let p = 0; p < d; p++) for (let q = p + 1; q < d; q++) off += 2 * a[p][q] * a[p][q];
    if (!(off > 1e-30 * total)) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        if (a[p][q] === 0) continue;
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const sn = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - sn * akq;
          a[k][q] = sn * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - sn * aqk;
          a[q][k] = sn * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - sn * vkq;
          v[k][q] = sn * vkp + c * vkq;
        }
      }
    }
  }
  const order = a.map((r, i) => [r[i], i] as const).sort((x, y) => y[0] - x[0]);
  return { values: order.map(([val]) => val), vectors: order.map(([, i]) => v.map((row) => row[i])) };
}

/** The standard normal CDF (erfc by Numerical Recipes' Chebyshev fit: relative error < 1.2e-7). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * x);
  const erfc =
    t *
    Math.exp(
      -x * x -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return z >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Kolmogorov–Smirnov distance sup |F_K − Φ| of samples already divided by the model's standard deviation. */
export function ksDistanceToNormal(z: readonly number[]): number {
  const s = [...z].sort((a, b) => a - b);
  const K = s.length;
  let dmax = 0;
  s.forEach((v, i) => {
    const F = normalCdf(v);
    dmax = Math.max(dmax, (i + 1) / K - F, F - i / K);
  });
  return dmax;
}

/**
 * Φ⁻¹(p), the standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9,
 * refined by one Halley step on `normalCdf`'s erfc, itself good to 1.2e-7).
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) return p === 0 ? -Infinity : p === 1 ? Infinity : NaN;
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/** Points of the QQ plot of the kicks against the Gaussian model. */
export const QQ_POINTS = 99;

/** QQ points of standardised samples against N(0, 1): at p = (k + ½)/K, Φ⁻¹(p) and the sample quantile (order statistic ⌊pN⌋). */
export function qqAgainstNormal(z: readonly number[], points = QQ_POINTS): { normal: number[]; kicks: number[] } {
  const s = [...z].sort((x, y) => x - y);
  const normal: number[] = [];
  const kicks: number[] = [];
  if (s.length === 0) return { normal, kicks };
  for (let k = 0; k < points; k++) {
    const p = (k + 0.5) / points;
    normal.push(normalQuantile(p));
    kicks.push(s[Math.min(s.length - 1, Math.floor(p * s.length))]);
  }
  return { normal, kicks };
}

/**
 * The law of the actual minibatch kicks at w against the Gaussian model: `samples` kicks
 * η(g_batch − ∇f(w)) (uniform batches of B from a seeded stream), projected on `direction`
 * (a unit vector) and divided by the model's standard deviation η√(uᵀCu); their KS distance to
 * N(0, 1). NaN when the model has no spread along the direction.
 */
export function kickTest(
  fs: FiniteSum,
  w: readonly number[],
  B: number,
  direction: readonly number[],
  variance: number,
  seed: string,
  fdStep: number,
  samples = KICK_SAMPLES,
): number {
  const z = standardKicks(fs, w, B, direction, variance, seed, fdStep, samples);
  return z ? ksDistanceToNormal(z) : NaN;
}

/** The kicks of `kickTest`, divided by the model's standard deviation (undefined when it is 0). */
export function standardKicks(
  fs: FiniteSum,
  w: readonly number[],
  B: number,
  direction: readonly number[],
  variance: number,
  seed: string,
  fdStep: number,
  samples = KICK_SAMPLES,
): number[] | undefined {
  if (!(variance > 0)) return undefined;
  const d = w.length;
  const x = Float64Array.from(w);
  const mean = new Float64Array(d);
  finiteSumGradient(fs, fdStep)(x, mean);
  const sampler = newSampler(fs.n);
  const rng = stream(seed, 'gradient-noise/kicks');
  const gb = new Float64Array(d);
  const scratch = new Float64Array(d);
  const sd = Math.sqrt(variance);
  const z: number[] = [];
  for (let k = 0; k < samples; k++) {
    drawBatch(sampler, B, false, rng);
    batchGradient(fs, x, sampler.batch, sampler.from, B, gb, scratch, fdStep);
    let p = 0;
    for (let j = 0; j < d; j++) p += (gb[j] - mean[j]) * direction[j];
    z.push(p / sd);
  }
  return z;
}

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
  const d = xStar.length;
  // Against the isotropic model: C's spectrum, and the kicks along its noisiest direction.
  let spectrum: GradientNoise['spectrum'];
  if (d <= EIGEN_MAX_DIM) {
    const { values, vectors } = symmetricEigen(covariance);
    const top = vectors[0];
    const z = standardKicks(fs, xStar, B, top, values[0], config.seed, config.fdStep);
    spectrum = {
      eigenvalues: values,
      principal: top,
      kickSamples: KICK_SAMPLES,
      ksDistance: z ? ksDistanceToNormal(z) : NaN,
      ...(z ? { qq: qqAgainstNormal(z) } : {}),
    };
  }

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
      for (let k = 0; k < sgd.pathTrials.length; k++) {
        if (sgd.divergedMask[sgd.pathTrials[k]]) continue;
        // checkpoints[k] is sampled trial pathTrials[k]'s.
        const x = sgd.checkpoints[k]?.[c];
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
    isotropicSigma: first.lr * Math.sqrt(trace / d),
    ...(spectrum ? { spectrum } : {}),
    checkpoints: {
      steps: [...sgd.checkpointSteps],
      traceMean,
      traceMin,
      traceMax,
      trials: sgd.pathTrials.filter((t) => !sgd.divergedMask[t]).length,
    },
  };
}
