/**
 * Which noise model the minibatch trials followed (issue 14), in any dimension: the `sgd` method's
 * stages run again from its own starts with each minibatch stage's batch noise replaced by a
 * Gaussian kick in x-space — N(0, η²C(x*)) (the measured covariance, anisotropic) or N(0, σ²I) of
 * the same trace (the paper's isotropic picture) — and the full gradient ∇f in the step; their
 * success against the run's targets beside the minibatch trials'. Seeded per model and trial, so the
 * same on any number of workers: the pool runs them as `modelTrials` tasks, each model's trials in
 * ranges on every worker (`gaussianModelFinals` from trial `first`), and joins the ranges in trial
 * order (`modelTrialsSummary`); one thread runs them all here (`noiseModelTrials`).
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

/** The two Gaussian noise models: kicks N(0, η²C(x*)) and N(0, σ²I) of the same trace. */
export type NoiseModel = 'anisotropic' | 'isotropic';
export const NOISE_MODELS: readonly NoiseModel[] = ['anisotropic', 'isotropic'];

/** What the models are made of: the measured noise at x* (`GradientNoise`'s fields). */
export interface ModelNoise {
  lr: number;
  covariance: number[][];
  isotropicSigma: number;
}

/** The x-space kick covariance of a model: η²C(x*) (anisotropic) or σ²I (isotropic). */
export function modelCovariance(noise: ModelNoise, model: NoiseModel): number[][] {
  if (model === 'anisotropic') {
    const eta2 = noise.lr * noise.lr;
    return noise.covariance.map((r) => r.map((v) => eta2 * v));
  }
  const d = noise.covariance.length;
  const s2 = noise.isotropicSigma * noise.isotropicSigma;
  return Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? s2 : 0)));
}

/** Finals of some trials of a model, in trial order (a diverged trial's final is NaN). */
export interface ModelFinals {
  finals: number[][];
  diverged: boolean[];
}

/**
 * Finals y_T = x_T − η∇f(x_T) of the `sgd` method's stages from its own starts, with the x-space kick
 * of each minibatch stage drawn from N(0, Σ) instead of a batch and the full gradient ∇f (the mean
 * over the data) in the step; other stages keep no noise. A stage with its own box restarts from a
 * fresh uniform draw in it, as the trials do. A trial whose x leaves the finite numbers diverged
 * (its final NaN). `sgd.starts` are trials `first`, `first` + 1, …: each trial draws from its own
 * stream (by its index), so ranges of trials give the finals of the whole bit for bit.
 * `onTrial(done, total)` after each trial (a throw stops it).
 */
export function gaussianModelFinals(
  fs: FiniteSum,
  config: RunConfig,
  sgd: Pick<MethodResult, 'starts'>,
  covariance: readonly (readonly number[])[],
  label: string,
  first = 0,
  onTrial?: (done: number, total: number) => void,
): ModelFinals {
  const d = config.dim;
  const spec = config.methods[methodRoles(config).sgd];
  const stages = config.stages.map((s) => methodStage(s, spec));
  const grad = finiteSumGradient(fs, config.fdStep);
  const L = choleskyFactor(covariance);
  // `covariance` is the kick's at the first minibatch stage (η₀²C(x*) for its batch size B₀, or the
  // isotropic σ²I of that trace). A minibatch stage's kick at step t has covariance η_t²C_B(x*), with
  // C_B ∝ (n − B)/(B(n − 1)) (gradientNoise.ts): it scales by η_t/η₀ · √(c(B)/c(B₀)).
  const batchFactor = (batch: number | undefined) => {
    const B = batch ?? fs.n;
    return fs.n > 1 ? (fs.n - B) / (B * (fs.n - 1)) : 0;
  };
  const mb0 = stages.find((s) => s.noise === 'minibatch');
  const lr0 = mb0?.lr ?? 1;
  const c0 = batchFactor(mb0?.batchSize);
  const stageScale = stages.map((s) => (s.noise === 'minibatch' && c0 > 0 ? Math.sqrt(batchFactor(s.batchSize) / c0) / lr0 : 0));
  const x = new Float64Array(d);
  const g = new Float64Array(d);
  const z = new Float64Array(d);
  const finals: number[][] = [];
  const diverged: boolean[] = [];
  sgd.starts.forEach((start, i) => {
    const trial = first + i;
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
          // The batch's kick η_t(g_B − ∇f) has covariance η_t²C_B: relative to the given one, η_t/η₀ · √(c(B)/c(B₀)).
          const s = lr * stageScale[k];
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
    onTrial?.(i + 1, sgd.starts.length);
  });
  return { finals, diverged };
}

/** Whether a run's diagnostics will want the model trials: its `sgd` method has a minibatch stage. */
export function modelTrialsExpected(config: RunConfig): boolean {
  const spec = config.methods[methodRoles(config).sgd];
  return config.stages.some((s) => methodStage(s, spec).noise === 'minibatch');
}

/** Ranges of a model's trials (in trial order) joined into its finals. */
export function joinModelFinals(parts: readonly ModelFinals[]): ModelFinals {
  return { finals: parts.flatMap((p) => p.finals), diverged: parts.flatMap((p) => p.diverged) };
}

/**
 * `gradientNoise.modelTrials` from each model's finals (all trials, in order): the minibatch trials'
 * success and that of the Gaussian models against `targets` within `successRadius` (success.ts's
 * rule, in `domain`).
 */
export function modelTrialsSummary(
  config: RunConfig,
  sgd: Pick<MethodResult, 'starts' | 'finals' | 'divergedMask'>,
  targets: number[][],
  successRadius: number,
  models: Record<NoiseModel, ModelFinals>,
): NoiseModelTrials {
  const count = (finals: number[][], diverged: boolean[]) => countSuccess(finals, diverged, targets, successRadius, config.domain).success;
  const { anisotropic: mA, isotropic: mI } = models;
  return {
    trials: sgd.starts.length,
    minibatch: count(sgd.finals, sgd.divergedMask),
    anisotropic: count(mA.finals, mA.diverged),
    isotropic: count(mI.finals, mI.diverged),
    anisotropicFinals: mA.finals,
    isotropicFinals: mI.finals,
  };
}

/**
 * `gradientNoise.modelTrials` in one thread: the minibatch trials' success and that of the same
 * stages with Gaussian kicks of covariance η²C(x*) (`anisotropic`) and σ²I of the same trace
 * (`isotropic`). They cost about as much as GD's trials each.
 */
export function noiseModelTrials(
  fs: FiniteSum,
  config: RunConfig,
  sgd: MethodResult,
  noise: ModelNoise,
  targets: number[][],
  successRadius: number,
): NoiseModelTrials {
  const run = (model: NoiseModel) => gaussianModelFinals(fs, config, sgd, modelCovariance(noise, model), model);
  return modelTrialsSummary(config, sgd, targets, successRadius, { anisotropic: run('anisotropic'), isotropic: run('isotropic') });
}
