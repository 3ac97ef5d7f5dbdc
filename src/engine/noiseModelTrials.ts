/**
 * Which noise model the minibatch trials followed (issue 14), in any dimension: the `sgd` method's
 * stages run again from its own starts with each minibatch stage's batch noise replaced by a
 * Gaussian kick in x-space — N(0, η²C(x*)) (the measured covariance, anisotropic) or N(0, σ²I) of
 * the same trace (the paper's isotropic picture) — and the full gradient ∇f in the step; their
 * success against the run's targets beside the minibatch trials'. Seeded per model and trial, so the
 * same on any number of workers.
 */
import type { MethodResult, NoiseModelTrials, RunConfig } from './types';
import { finiteSumGradient, type FiniteSum } from './finiteSum';
import { countSuccess } from './success';
import { Normal, stream } from './rng';
import { methodRoles } from './methods';
import { methodStage } from './sgd';
import { stageLr } from './schedule';

/**
 * A lower-triangular L with L Lᵀ = Σ for a symmetric positive semi-definite Σ (Cholesky; a pivot
 * that rounding leaves ≤ 0 — a direction without variance — gives a zero column). Kicks L ξ with
 * ξ ~ N(0, I) then have covariance Σ exactly in law.
 */
export function choleskyFactor(s: readonly (readonly number[])[]): number[][] {
  const d = s.length;
  const L: number[][] = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let j = 0; j < d; j++) {
    let diag = s[j][j];
    for (let k = 0; k < j; k++) diag -= L[j][k] * L[j][k];
    const ljj = Math.sqrt(Math.max(0, diag));
    L[j][j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let v = s[i][j];
      for (let k = 0; k < j; k++) v -= L[i][k] * L[j][k];
      L[i][j] = ljj > 0 ? v / ljj : 0;
    }
  }
  return L;
}

/**
 * Finals y_T = x_T − η∇f(x_T) of the `sgd` method's stages from its own starts, with the x-space kick
 * of each minibatch stage drawn from N(0, Σ) instead of a batch and the full gradient ∇f (the mean
 * over the data) in the step; other stages keep no noise. A stage with its own box restarts from a
 * fresh uniform draw in it, as the trials do. A trial whose x leaves the finite numbers diverged
 * (its final NaN).
 */
export function gaussianModelFinals(
  fs: FiniteSum,
  config: RunConfig,
  sgd: Pick<MethodResult, 'starts'>,
  covariance: readonly (readonly number[])[],
  label: string,
): { finals: number[][]; diverged: boolean[] } {
  const d = config.dim;
  const spec = config.methods[methodRoles(config).sgd];
  const stages = config.stages.map((s) => methodStage(s, spec));
  const grad = finiteSumGradient(fs, config.fdStep);
  const L = choleskyFactor(covariance);
  const x = new Float64Array(d);
  const g = new Float64Array(d);
  const z = new Float64Array(d);
  const finals: number[][] = [];
  const diverged: boolean[] = [];
  sgd.starts.forEach((start, trial) => {
    const normal = new Normal(stream(config.seed, `noise-model/${label}/${trial}`));
    for (let j = 0; j < d; j++) x[j] = start[j];
    let ok = true;
    let lr = stages[0]?.lr ?? 0;
    for (let k = 0; k < stages.length && ok; k++) {
      const st = stages[k];
      if (k > 0 && st.init) {
        const rng = stream(config.seed, `noise-model/${label}/${trial}/init${k}`);
        for (let j = 0; j < d; j++) x[j] = st.init.low[j] + (st.init.high[j] - st.init.low[j]) * rng();
      }
      for (let t = 0; t < st.steps; t++) {
        lr = stageLr(st, t);
        grad(x, g);
        for (let j = 0; j < d; j++) x[j] -= lr * g[j];
        if (st.noise === 'minibatch') {
          for (let j = 0; j < d; j++) z[j] = normal.next();
          // The kick scales with η_t/η like the batch's: η_t(g_B − ∇f) has covariance η_t²C.
          const s = lr / st.lr;
          for (let i = 0; i < d; i++) {
            const row = L[i];
            let v = 0;
            for (let k2 = 0; k2 <= i; k2++) v += row[k2] * z[k2];
            x[i] -= s * v;
          }
        }
        let finite = true;
        for (let j = 0; j < d; j++) if (!Number.isFinite(x[j])) finite = false;
        if (!finite) {
          ok = false;
          break;
        }
      }
    }
    if (ok) {
      grad(x, g);
      finals.push(Array.from(x, (v, j) => v - lr * g[j]));
    } else finals.push(new Array<number>(d).fill(NaN));
    diverged.push(!ok);
  });
  return { finals, diverged };
}

/**
 * `gradientNoise.modelTrials`: the minibatch trials' success and that of the same stages with
 * Gaussian kicks of covariance η²C(x*) (`anisotropic`) and σ²I of the same trace (`isotropic`),
 * against `targets` within `successRadius` (success.ts's rule, in `domain`). They cost about as
 * much as GD's trials each.
 */
export function noiseModelTrials(
  fs: FiniteSum,
  config: RunConfig,
  sgd: MethodResult,
  noise: { lr: number; covariance: number[][]; isotropicSigma: number },
  targets: number[][],
  successRadius: number,
): NoiseModelTrials {
  const d = config.dim;
  const eta2 = noise.lr * noise.lr;
  const aniso = noise.covariance.map((r) => r.map((v) => eta2 * v));
  const s2 = noise.isotropicSigma * noise.isotropicSigma;
  const iso = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? s2 : 0)));
  const count = (finals: number[][], diverged: boolean[]) => countSuccess(finals, diverged, targets, successRadius, config.domain).success;
  const mA = gaussianModelFinals(fs, config, sgd, aniso, 'anisotropic');
  const mI = gaussianModelFinals(fs, config, sgd, iso, 'isotropic');
  return {
    trials: sgd.starts.length,
    minibatch: count(sgd.finals, sgd.divergedMask),
    anisotropic: count(mA.finals, mA.diverged),
    isotropic: count(mI.finals, mI.diverged),
    anisotropicFinals: mA.finals,
    isotropicFinals: mI.finals,
  };
}
