/**
 * Noisy SGD exactly as the paper's model: x_{t+1} = x_t − η∇f(x_t) − η·ω_t, with the x-space
 * perturbation η·ω_t drawn from a ball of radius a (uniform), N(0, a²I), or a cube; plain GD
 * when the noise is 'none'. The analysis point y_t = x_t − η∇f(x_t) is what the paper tracks;
 * `finals` holds y_T. The other optimizers of a run's `methods` (momentum, Nesterov, Adam, SAM)
 * go through the same trial loop with their own kernel (optimizers.ts); their `finals` are x_T.
 *
 * Trials are independent and each draws from its own seeded stream (the same stream for every
 * method of the run: common random numbers), so any split of trials over workers gives the
 * same numbers.
 *
 * A sampled trial's path is kept by the kernels themselves (`StepState.rec`), so the tight loop
 * runs unbroken between the few events (checkpoints, snapshots, the cancel/progress poll). Which
 * steps are kept: keptSteps.ts; chunks of trials merged: trialMerge.ts (both re-exported here).
 *
 * Longer than the other engine files on purpose: the step's arithmetic is written out in each of
 * the three kernels (`advance`, and `advance1` / `advance2` on scalars), because calling shared
 * helpers from the hot loop measured ~8 % slower per step; a test holds the kernels bit-identical.
 */
import { stageLr, stageRadius, isConstantStage, totalSteps } from './schedule';
import { evenSteps, numbers, snapshotSteps } from './keptSteps';
import { Normal, stream, uniformInBox, type Rng } from './rng';
import { GD_METHOD, SGD_METHOD, methodRoles } from './config';
import { Figure5Terms } from './trajectory';
import { emptyMethodResult } from './trialMerge';
import { NOISE_CODE, perturb } from './noise';
import { CYCLE_MAX, CYCLE_WATCH_EVERY, ExactCycle } from './exactCycle';
import { advanceOptimizer, newOptimizerState, resetOptimizerState, type OptimizerState, type OptimizerStepState } from './optimizers';
import {
  advanceMinibatch,
  drawBatch,
  minibatchGradient,
  newSampler,
  resetSampler,
  type BatchSampler,
  type MinibatchStage,
} from './minibatch';
import type { Gradient, Loss, Method, MethodResult, MethodSpec, RunConfig, Stage } from './types';

export interface TrialHooks {
  /** Units done (steps summed over this call's trials) and the total; called at most every ~100 ms. */
  onProgress?(done: number, total: number): void;
  /**
   * Used as the iterate's own storage (length ≥ dim), so whoever shares it sees the exact point
   * the loss is being evaluated at — a hung loss can be reported with its input at no cost.
   */
  probe?: Float64Array;
  /** heartbeat[index] is bumped every step (a shared counter a watchdog can read). */
  heartbeat?: Int32Array;
  heartbeatIndex?: number;
  /** Polled every few hundred steps; true stops the run with a CancelledError. */
  cancelled?(): boolean;
  /**
   * Keep only what a sweep's cell needs: starts, finals, stage finals, divergence; no sampled
   * paths and no Figure 5 checkpoints. The numbers are the same bit for bit (the kernels carry
   * their whole state between the runs they are cut into).
   */
  lean?: boolean;
  /**
   * Called with true before each run of SGD steps (where the loss is called) and false after it,
   * so a watchdog can time the user's code apart from the engine's own bookkeeping.
   */
  userCode?(on: boolean): void;
}

export { evenSteps, snapshotSteps, SNAPSHOTS_MAX, SNAPSHOT_NUMBERS } from './keptSteps';
export { mergeMethodResults } from './trialMerge';

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** Thrown when the loss throws; carries the point it was evaluated at. */
export class LossError extends Error {
  constructor(
    readonly inner: unknown,
    readonly input: number[],
  ) {
    super(inner instanceof Error ? inner.message : String(inner));
    this.name = 'LossError';
  }
}

/** Starting points for all trials of a stage with its own init box (stage −1: the run's init). */
export function trialStarts(config: RunConfig, stage: number): Float64Array[] {
  const box = stage < 0 ? config.init : config.stages[stage].init;
  if (!box) throw new Error(`stage ${stage} has no init box`);
  const rng = stream(config.seed, stage < 0 ? 'init' : `init/stage${stage}`);
  const out: Float64Array[] = [];
  for (let k = 0; k < config.trials; k++) out.push(uniformInBox(rng, box.low, box.high, new Float64Array(config.dim)));
  return out;
}

/**
 * The central-difference rule of every kernel (each keeps its own inlined copy; the bit-identity
 * test holds them together). Coordinate i uses h = h₀·max(1, ∛(R/64)), h₀ = 1e-5·max(1, |x_i|),
 * R = |f| / max(1, |∂_i f|), with |f| and ∂_i f from the previous gradient (|f| as the mean of its
 * last pair of evaluations; at a trial's start or a stage's restart, |f(x₀)| and 1). Why: the
 * quotient (f(x + h) − f(x − h))/2h carries the rounding of the two evaluations, up to ε|f|/2h,
 * beside the truncation h²|f‴|/6. Subtracting f(x) first would not help: f(x + h) − f(x − h) is
 * already exact, the error is inside each f. Only the step can. h₀ is kept while that rounding
 * stays below ~1e-9·max(1, |∂_i f|) (R ≤ 64: every loss of moderate size keeps exactly today's
 * numbers); beyond, the step grows as ∛R, the growth that balances rounding against truncation
 * when |f‴| is of the size of |f′|. For f = 1e8 + x² at |x| ≤ 1 it takes h ≈ 1.2e-3: error ≤ 6e-6
 * instead of 7e-4. A configured fdStep > 0 is used as is.
 */
export function differenceStep(xi: number, gi: number, fMag: number, fixed: number): number {
  if (fixed > 0) return fixed;
  let h = 1e-5 * (xi > 1 ? xi : xi < -1 ? -xi : 1);
  const ag = gi > 1 ? gi : gi < -1 ? -gi : 1;
  if (fMag > 64 * ag) h *= Math.cbrt(fMag / (64 * ag));
  return h;
}

/**
 * ∇f(x) into g (which holds the previous gradient): the user's gradient if given, else central
 * differences by `differenceStep`'s rule (`magnitude`, when given, receives |f| at x for the next
 * call). Returns false when the loss or its gradient is not finite at x (the trial diverges).
 */
function gradientAt(
  loss: Loss,
  grad: Gradient | undefined,
  x: Float64Array,
  g: Float64Array,
  config: RunConfig,
  fMag: number,
  magnitude?: { f: number },
): boolean {
  const d = x.length;
  if (grad) {
    grad(x, g);
  } else {
    for (let i = 0; i < d; i++) {
      const xi = x[i];
      const h = differenceStep(xi, g[i], fMag, config.fdStep);
      x[i] = xi + h;
      const fp = loss(x);
      x[i] = xi - h;
      const fm = loss(x);
      x[i] = xi;
      g[i] = (fp - fm) / (2 * h);
      // |f| for the next call's step, as the kernels keep it: the mean of the first pair.
      if (i === 0 && magnitude) magnitude.f = Math.abs(0.5 * (fp + fm));
    }
  }
  for (let i = 0; i < d; i++) if (!Number.isFinite(g[i])) return false;
  return true;
}

/** Everything the hot loop touches, so `advance` stays small enough for V8 to inline the loss into it. */
interface StepState {
  x: Float64Array;
  y: Float64Array;
  g: Float64Array;
  w: Float64Array;
  d: number;
  lr: number;
  a: number;
  code: number;
  rng: Rng;
  normal: Normal;
  loss: Loss;
  grad: Gradient | undefined;
  fdStep: number;
  /** |f| near the iterate (the mean of the last difference pair), for the difference step. */
  fMag: number;
  centre: Float64Array;
  runaway2: number;
  heartbeat: Int32Array | undefined;
  hbIndex: number;
  diverged: boolean;
  /**
   * A sampled trial's path, kept inside the kernels' loop (a break of the loop at every path step
   * cost ~30 % per step on short runs): x_t at the global steps `recSteps` goes to
   * rec[p·d … (p + 1)·d) for p = recNext, recNext + 1, …, x as it is before step t (the same point
   * the trial loop's events would take). `recSteps` is empty for a trial not sampled.
   */
  rec: Float64Array;
  recSteps: readonly number[];
  recNext: number;
  /** The global step of the kernel call's first step. */
  base: number;
}

/** The path steps of a trial not sampled: none. */
const NO_STEPS: readonly number[] = [];

/**
 * Up to n steps of x ← y − ηω with y = x − η∇f(x). Returns the steps taken; on a non-finite
 * gradient (step not taken) or a runaway iterate (step taken) it sets `s.diverged` and stops.
 */
function advance(s: StepState, n: number): number {
  const { x, y, g, w, d, lr, a, code, rng, normal, loss, grad, fdStep, centre, runaway2, heartbeat, hbIndex, rec, recSteps } = s;
  let fMag = s.fMag;
  let rn = s.recNext;
  let rk = rn < recSteps.length ? recSteps[rn] - s.base : -1;
  for (let k = 0; k < n; k++) {
    if (heartbeat) heartbeat[hbIndex]++;
    if (k === rk) {
      for (let i = 0; i < d; i++) rec[rn * d + i] = x[i];
      rn++;
      rk = rn < recSteps.length ? recSteps[rn] - s.base : -1;
    }
    // gradientAt's body, inlined on purpose: calling it here measured ~8 % slower per step.
    if (grad) {
      grad(x, g);
    } else {
      let fp = 0;
      let fm = 0;
      for (let i = 0; i < d; i++) {
        const xi = x[i];
        let h = 1e-5 * (xi > 1 ? xi : xi < -1 ? -xi : 1);
        const gi = g[i];
        const ag = gi > 1 ? gi : gi < -1 ? -gi : 1;
        if (fMag > 64 * ag) h *= Math.cbrt(fMag / (64 * ag));
        if (fdStep > 0) h = fdStep;
        x[i] = xi + h;
        fp = loss(x);
        x[i] = xi - h;
        fm = loss(x);
        x[i] = xi;
        g[i] = (fp - fm) / (2 * h);
      }
      fMag = Math.abs(0.5 * (fp + fm));
    }
    for (let i = 0; i < d; i++) {
      if (!Number.isFinite(g[i])) {
        s.diverged = true;
        s.fMag = fMag;
        s.recNext = rn;
        return k;
      }
    }
    // No noise (GD): w is zero, as perturb would write it; nothing is drawn.
    if (code === 1 && d === 1) w[0] = a * (2 * rng() - 1);
    else if (code !== 0) perturb(code, a, d, rng, normal, w);
    else if (k === 0) w.fill(0);
    let far = 0;
    for (let i = 0; i < d; i++) {
      const yi = x[i] - lr * g[i];
      const xi = yi - w[i];
      const off = xi - centre[i];
      far += off * off;
      y[i] = yi;
      x[i] = xi;
    }
    if (!(far <= runaway2)) {
      s.diverged = true;
      s.fMag = fMag;
      s.recNext = rn;
      return k + 1;
    }
  }
  s.fMag = fMag;
  s.recNext = rn;
  return n;
}

/**
 * `advance` for a 1-D loss of one number and no user gradient: the iterate lives in locals.
 * x[0] is still written before each gradient, so a hung call is reported with its input (to
 * within the difference step).
 */
function advance1(s: StepState, n: number): number {
  const { x, y, g, w, lr, a, code, rng, normal, fdStep, centre, runaway2, heartbeat, hbIndex, rec, recSteps } = s;
  const f = s.loss.scalar as (x: number) => number;
  let x0 = x[0];
  let y0 = y[0];
  let g0 = g[0];
  let w0 = w[0];
  let fMag = s.fMag;
  const c0 = centre[0];
  let rn = s.recNext;
  let rk = rn < recSteps.length ? recSteps[rn] - s.base : -1;
  let k = 0;
  for (; k < n; k++) {
    if (heartbeat) heartbeat[hbIndex]++;
    x[0] = x0;
    if (k === rk) {
      rec[rn] = x0;
      rn++;
      rk = rn < recSteps.length ? recSteps[rn] - s.base : -1;
    }
    let h = 1e-5 * (x0 > 1 ? x0 : x0 < -1 ? -x0 : 1);
    const ag = g0 > 1 ? g0 : g0 < -1 ? -g0 : 1;
    if (fMag > 64 * ag) h *= Math.cbrt(fMag / (64 * ag));
    if (fdStep > 0) h = fdStep;
    const fp = f(x0 + h);
    const fm = f(x0 - h);
    g0 = (fp - fm) / (2 * h);
    fMag = Math.abs(0.5 * (fp + fm));
    if (!Number.isFinite(g0)) {
      s.diverged = true;
      break;
    }
    if (code === 1) w0 = a * (2 * rng() - 1);
    else if (code === 0) w0 = 0;
    else {
      perturb(code, a, 1, rng, normal, w);
      w0 = w[0];
    }
    y0 = x0 - lr * g0;
    x0 = y0 - w0;
    const off = x0 - c0;
    if (!(off * off <= runaway2)) {
      s.diverged = true;
      k++;
      break;
    }
  }
  x[0] = x0;
  y[0] = y0;
  g[0] = g0;
  w[0] = w0;
  s.fMag = fMag;
  s.recNext = rn;
  return k;
}

/** `advance` for a loss of two numbers and no user gradient (see advance1). */
function advance2(s: StepState, n: number): number {
  const { x, y, g, w, lr, a, code, rng, normal, fdStep, centre, runaway2, heartbeat, hbIndex, rec, recSteps } = s;
  const f = s.loss.scalar as (x: number, y: number) => number;
  let x0 = x[0];
  let x1 = x[1];
  let y0 = y[0];
  let y1 = y[1];
  let g0 = g[0];
  let g1 = g[1];
  let w0 = w[0];
  let w1 = w[1];
  let fMag = s.fMag;
  const c0 = centre[0];
  const c1 = centre[1];
  let rn = s.recNext;
  let rk = rn < recSteps.length ? recSteps[rn] - s.base : -1;
  let k = 0;
  for (; k < n; k++) {
    if (heartbeat) heartbeat[hbIndex]++;
    x[0] = x0;
    x[1] = x1;
    if (k === rk) {
      rec[2 * rn] = x0;
      rec[2 * rn + 1] = x1;
      rn++;
      rk = rn < recSteps.length ? recSteps[rn] - s.base : -1;
    }
    let h0 = 1e-5 * (x0 > 1 ? x0 : x0 < -1 ? -x0 : 1);
    const a0 = g0 > 1 ? g0 : g0 < -1 ? -g0 : 1;
    if (fMag > 64 * a0) h0 *= Math.cbrt(fMag / (64 * a0));
    if (fdStep > 0) h0 = fdStep;
    let h1 = 1e-5 * (x1 > 1 ? x1 : x1 < -1 ? -x1 : 1);
    const a1 = g1 > 1 ? g1 : g1 < -1 ? -g1 : 1;
    if (fMag > 64 * a1) h1 *= Math.cbrt(fMag / (64 * a1));
    if (fdStep > 0) h1 = fdStep;
    g0 = (f(x0 + h0, x1) - f(x0 - h0, x1)) / (2 * h0);
    const fp = f(x0, x1 + h1);
    const fm = f(x0, x1 - h1);
    g1 = (fp - fm) / (2 * h1);
    fMag = Math.abs(0.5 * (fp + fm));
    if (!Number.isFinite(g0) || !Number.isFinite(g1)) {
      s.diverged = true;
      break;
    }
    if (code === 1) {
      let u: number, v: number;
      do {
        u = 2 * rng() - 1;
        v = 2 * rng() - 1;
      } while (u * u + v * v > 1);
      w0 = a * u;
      w1 = a * v;
    } else if (code === 0) {
      w0 = 0;
      w1 = 0;
    } else {
      perturb(code, a, 2, rng, normal, w);
      w0 = w[0];
      w1 = w[1];
    }
    y0 = x0 - lr * g0;
    y1 = x1 - lr * g1;
    x0 = y0 - w0;
    x1 = y1 - w1;
    const o0 = x0 - c0;
    const o1 = x1 - c1;
    if (!(o0 * o0 + o1 * o1 <= runaway2)) {
      s.diverged = true;
      k++;
      break;
    }
  }
  x[0] = x0;
  x[1] = x1;
  y[0] = y0;
  y[1] = y1;
  g[0] = g0;
  g[1] = g1;
  w[0] = w0;
  w[1] = w1;
  s.fMag = fMag;
  s.recNext = rn;
  return k;
}

/**
 * Which kernel runs a loss: 1 or 2 for the scalar kernels, 0 for the generic one. The kernels
 * are called directly (no closure per run), so a worker that runs many trial chunks keeps one
 * optimized copy of each instead of re-optimizing on every chunk.
 */
function kernelFor(loss: Loss, grad: Gradient | undefined, d: number): 0 | 1 | 2 {
  const f = loss.scalar;
  if (!grad && f && d === 1 && f.length <= 1) return 1;
  if (!grad && f && d === 2) return 2;
  return 0;
}

/** n steps of the kernel `kind` from global step `base`. */
function runKernel(kind: 0 | 1 | 2, s: StepState, base: number, n: number): number {
  s.base = base;
  return kind === 1 ? advance1(s, n) : kind === 2 ? advance2(s, n) : advance(s, n);
}

/** A stage as a method runs it: the method's noise kind, when it has one, replaces the stage's. */
export function methodStage(stage: Stage, method: MethodSpec): Stage {
  return method.noise === undefined || method.noise === stage.noise ? stage : { ...stage, noise: method.noise };
}

/**
 * Runs trials [from, to) of one method over all stages and returns their part of the
 * MethodResult (merge parts with `mergeMethodResults`, in trial order).
 */
export function runTrials(
  loss: Loss,
  grad: Gradient | undefined,
  config: RunConfig,
  method: MethodSpec | Method,
  from: number,
  to: number,
  hooks: TrialHooks = {},
): MethodResult {
  return new TrialChunk(loss, grad, config, method, from, to, hooks).run();
}

/** Polls for cancel and progress every this many steps of a stage. */
const CHECK_EVERY = 256;

/**
 * One call of `runTrials`: what its trials share, and where the current trial is. The loop is cut
 * in three (`run` over trials, `trial` over its stages, `stageSteps` between events) so that V8
 * optimizes each part on its own, in a few ms: as one function, its optimized compile (on-stack
 * replacement, twice in a fresh worker) took 60-140 ms of a background thread, which on 2 cores
 * with 2 workers busy is taken from the other worker's steps. The arithmetic is the kernels'.
 */
class TrialChunk {
  private readonly spec: MethodSpec;
  private readonly d: number;
  private readonly T: number;
  private readonly total: number;
  private readonly starts0: Float64Array[];
  private readonly stageStarts: Array<Float64Array[] | undefined>;
  private readonly pathSteps: number[];
  private readonly snapSteps: number[];
  /** Figure 5 (and Theorem 3) look at the run's `sgd` method alone: only it keeps checkpoints. */
  private readonly figure5: boolean;
  private readonly checkpointSteps: number[];
  private readonly C: number;
  /** Runaway bound: this many domain diameters away from the domain centre. */
  private readonly centre: Float64Array;
  private readonly runaway2: number;
  private readonly result: MethodResult;
  private readonly x: Float64Array;
  private readonly terms: Figure5Terms | undefined;
  /** The trial's checkpoints x_t (checkpoint c at [c·d, (c + 1)·d)) and stochastic-gradient norms. */
  private readonly cpX: Float64Array;
  private readonly cpNorm: Float64Array;
  private readonly y: Float64Array;
  private readonly g: Float64Array;
  private readonly w: Float64Array;
  private readonly optimizer: OptimizerState | undefined;
  private readonly sampler: BatchSampler | undefined;
  private readonly exampleScratch: Float64Array;
  private readonly prev: Float64Array;
  /** The sampled trial's path points, written by the kernels (StepState.rec) and the loop's events. */
  private readonly pathBuf: Float64Array;
  private readonly gh: Float64Array;
  /** The optimizers' gradient: the same step rule, its |f| carried from call to call in optMag. */
  private readonly optMag = { f: 0 };
  /** Noise-free stages stop at an exact cycle of their state (exactCycle.ts). */
  private readonly cycle: ExactCycle;
  private readonly gradient: (at: Float64Array, out: Float64Array) => boolean;
  private readonly kernel: 0 | 1 | 2;
  private readonly hbIndex: number;
  /**
   * The difference step starts from |f(x₀)| (see differenceStep); not needed with a user
   * gradient or a fixed step.
   */
  private readonly needsMagnitude: boolean;
  private lastReport = Date.now();
  /** The point the loss is evaluated at when it throws (x itself, mid central difference). */
  private current: Float64Array;
  // The current trial: its global step index across stages, and its next snapshot and checkpoint.
  private step = 0;
  private diverged = false;
  private nextSnap = 0;
  private nextCp = 0;

  constructor(
    private readonly loss: Loss,
    private readonly grad: Gradient | undefined,
    private readonly config: RunConfig,
    method: MethodSpec | Method,
    private readonly from: number,
    private readonly to: number,
    private readonly hooks: TrialHooks,
  ) {
    const spec = method === 'sgd' ? SGD_METHOD : method === 'gd' ? GD_METHOD : method;
    this.spec = spec;
    // The paper's update (SGD, GD) runs on the specialised kernels; the others on optimizers.ts's.
    const plain = spec.optimizer.kind === 'sgd';
    const d = config.dim;
    this.d = d;
    this.T = totalSteps(config);
    const nTrials = to - from;
    this.total = nTrials * this.T;
    this.starts0 = trialStarts(config, -1);
    this.stageStarts = config.stages.map((s, k) => (s.init ? trialStarts(config, k) : undefined));
    this.pathSteps = hooks.lean ? [] : evenSteps(this.T, config.trajectoryPoints);
    this.snapSteps = hooks.lean ? [] : snapshotSteps(config);
    this.figure5 = !hooks.lean && (method === 'sgd' || spec.name === config.methods[methodRoles(config).sgd]?.name);
    this.checkpointSteps = this.figure5 ? evenSteps(this.T - 1, config.checkpoints) : [];
    const C = this.checkpointSteps.length;
    this.C = C;

    this.centre = new Float64Array(d);
    let diam2 = 0;
    for (let i = 0; i < d; i++) {
      this.centre[i] = (config.domain.low[i] + config.domain.high[i]) / 2;
      diam2 += (config.domain.high[i] - config.domain.low[i]) ** 2;
    }
    this.runaway2 = config.divergenceFactor ** 2 * diam2;

    this.result = emptyMethodResult(
      { finalsAre: plain ? 'y_T' : 'x_T', pathSteps: this.pathSteps, snapshotSteps: this.snapSteps, checkpointSteps: this.checkpointSteps },
      config.stages.length,
    );
    // Each trial's Figure 5 terms are summed here as it ends; its checkpoints kept in typed arrays
    // for Theorem 3 (which needs x*, known only after the landscape), never in RESULT.json.
    if (this.figure5) {
      this.result.checkpointX = new Float64Array(nTrials * C * d).fill(NaN);
      this.result.checkpointGrad2 = new Float64Array(nTrials * C).fill(NaN);
    }

    const x = hooks.probe && hooks.probe.length >= d ? hooks.probe.subarray(0, d) : new Float64Array(d);
    this.x = x;
    this.current = x;
    // The probe points go through x (the watchdog's view of the iterate) once the trial is over.
    this.terms = this.figure5
      ? new Figure5Terms(loss, grad, config, C, { at: x, heartbeat: hooks.heartbeat, heartbeatIndex: hooks.heartbeatIndex })
      : undefined;
    this.cpX = new Float64Array(C * d);
    this.cpNorm = new Float64Array(C);
    this.y = new Float64Array(d);
    this.g = new Float64Array(d);
    this.w = new Float64Array(d);
    this.optimizer = plain ? undefined : newOptimizerState(d);
    // Minibatch stages draw their batches from the trial's stream (minibatch.ts).
    const fs = loss.finiteSum;
    if (config.stages.some((st) => methodStage(st, spec).noise === 'minibatch') && !fs) {
      throw new RangeError(`noise "minibatch" needs a finite-sum loss: ${config.function} with ${config.function}Options.data`);
    }
    this.sampler = fs ? newSampler(fs.n) : undefined;
    this.exampleScratch = new Float64Array(d);
    this.prev = new Float64Array(d);
    this.pathBuf = new Float64Array(this.pathSteps.length * d);
    this.gh = new Float64Array(d);
    this.cycle = new ExactCycle(d);
    const optMag = this.optMag;
    this.gradient = (at: Float64Array, out: Float64Array) => gradientAt(loss, grad, at, out, config, optMag.f, optMag);
    this.kernel = kernelFor(loss, grad, d);
    this.hbIndex = hooks.heartbeatIndex ?? 0;
    this.needsMagnitude = !grad && !(config.fdStep > 0);
  }

  run(): MethodResult {
    try {
      for (let trial = this.from; trial < this.to; trial++) this.trial(trial);
    } catch (e) {
      // A LossError already carries its input (a caller's wrapped loss may throw one).
      if (e instanceof CancelledError || e instanceof LossError) throw e;
      throw new LossError(e, Array.from(this.current));
    }
    if (this.terms) this.result.figure5 = this.terms.sums();
    this.hooks.onProgress?.(this.total, this.total);
    return this.result;
  }

  /** Whether trial `trial` keeps its path (the first `sampleTrajectories`). */
  private isSampled(trial: number): boolean {
    return !this.hooks.lean && trial < this.config.sampleTrajectories;
  }

  private startMagnitude(): number {
    this.g.fill(0);
    return this.needsMagnitude ? Math.abs(this.loss(this.x)) : 0;
  }

  private trial(trial: number): void {
    const { x, y, g, w, d, config, hooks, result, spec, optimizer, sampler, pathBuf, pathSteps, snapSteps, cpX, cpNorm, C } = this;
    const fs = this.loss.finiteSum;
    this.current = x;
    const rng = stream(config.seed, `noise/${trial}`);
    const normal = new Normal(rng);
    if (sampler) resetSampler(sampler);
    x.set(this.starts0[trial]);
    if (optimizer) resetOptimizerState(optimizer);
    result.starts.push(numbers(x, 0, d));
    let fMag = this.startMagnitude();
    this.optMag.f = fMag;
    const sampled = this.isSampled(trial);
    let nextPath = 0;
    this.nextSnap = 0;
    this.nextCp = 0;
    this.diverged = false;
    this.step = 0;
    // y always holds the last finite analysis point: every step that would make it
    // non-finite stops before writing it.
    y.set(x);

    for (let k = 0; k < config.stages.length; k++) {
      const stage = methodStage(config.stages[k], spec);
      const ss = this.stageStarts[k];
      if (ss && !this.diverged) {
        // A restart from the stage's own box: the optimizer's state starts afresh too.
        x.set(ss[trial]);
        y.set(x);
        if (optimizer) resetOptimizerState(optimizer);
        fMag = this.startMagnitude();
        this.optMag.f = fMag;
      }
      const code = NOISE_CODE[stage.noise];
      const constant = isConstantStage(stage) && !stage.scaleRadiusWithLr;
      const lr = stage.lr;
      const a = stageRadius(stage, 0);
      const stageStart = this.step;
      const stageEnd = stageStart + stage.steps;
      const mb: MinibatchStage | undefined =
        stage.noise === 'minibatch' && fs && sampler
          ? {
              fs,
              sampler,
              B: stage.batchSize ?? fs.n,
              shuffle: stage.sampling === 'shuffle',
              scratch: this.exampleScratch,
              fdStep: config.fdStep,
            }
          : undefined;
      const ks: StepState = {
        x,
        y,
        g,
        w,
        d,
        lr,
        a,
        code,
        rng,
        normal,
        loss: this.loss,
        grad: this.grad,
        fdStep: config.fdStep,
        fMag,
        centre: this.centre,
        runaway2: this.runaway2,
        heartbeat: hooks.heartbeat,
        hbIndex: this.hbIndex,
        diverged: this.diverged,
        rec: pathBuf,
        recSteps: sampled ? pathSteps : NO_STEPS,
        recNext: nextPath,
        base: this.step,
      };
      const os: OptimizerStepState | undefined = optimizer && {
        opt: spec.optimizer,
        state: optimizer,
        x,
        prev: this.prev,
        g,
        w,
        gh: this.gh,
        d,
        lr,
        a,
        code,
        rng,
        normal,
        gradient: mb ? (at, out) => minibatchGradient(mb, at, out) : this.gradient,
        beginStep: mb ? () => drawBatch(mb.sampler, mb.B, mb.shuffle, rng) : undefined,
        centre: this.centre,
        runaway2: this.runaway2,
        heartbeat: hooks.heartbeat,
        hbIndex: this.hbIndex,
        diverged: this.diverged,
      };
      this.cycle.reset();
      this.stageSteps(trial, stage, ks, os, mb, stageStart, stageEnd, constant);
      this.step = stageEnd;
      nextPath = ks.recNext;
      fMag = ks.fMag;
      if (os) {
        // The optimizers' finals are x_T (always finite: the kernel undoes a step to a non-finite x).
        y.set(x);
      } else if (!this.diverged) {
        // y_T of the stage: one more gradient at x_T.
        if (gradientAt(this.loss, this.grad, x, g, config, fMag)) {
          const lrEnd = stageLr(stage, stage.steps);
          let ok = true;
          for (let i = 0; i < d; i++) {
            w[i] = x[i] - lrEnd * g[i];
            if (!Number.isFinite(w[i])) ok = false;
          }
          if (ok) y.set(w);
          else this.diverged = true;
        } else {
          this.diverged = true;
        }
      }
      result.stageFinals[k].push(numbers(y, 0, d));
    }
    let diverged = this.diverged;
    const nextCp = this.nextCp;
    // Snapshots after the trial diverged: null.
    for (; this.nextSnap < snapSteps.length; this.nextSnap++) result.snapshots[this.nextSnap]!.push(null);
    if (sampled) {
      // Diverged paths stop where they left; pad nothing so the drawing shows the escape.
      if (!diverged && nextPath < pathSteps.length) pathBuf.set(x, d * nextPath++);
      const path: number[][] = [];
      for (let p = 0; p < nextPath; p++) path.push(numbers(pathBuf, p * d, d));
      result.paths.push(path);
      result.pathTrials.push(trial);
    }
    let fy = NaN;
    if (!diverged) {
      this.current = y;
      fy = this.loss(y);
      if (!Number.isFinite(fy)) diverged = true;
    }
    result.finals.push(numbers(y, 0, d));
    result.finalX.push(numbers(diverged ? y : x, 0, d));
    result.finalLoss.push(diverged ? NaN : fy);
    result.divergedMask.push(diverged);
    if (diverged) result.diverged++;
    const terms = this.terms;
    if (terms && result.checkpointX && !diverged) {
      const at = (trial - this.from) * C;
      result.checkpointX.set(cpX.subarray(0, nextCp * d), at * d);
      this.current = terms.at;
      hooks.userCode?.(true);
      terms.add(trial, cpX, nextCp, x, cpNorm, result.checkpointGrad2, at);
      hooks.userCode?.(false);
    }
    if (sampled && this.figure5) {
      const cps: number[][] = [];
      for (let c = 0; c < nextCp; c++) cps.push(numbers(cpX, c * d, d));
      result.checkpoints.push(cps);
      result.stochasticGradNorm.push(Array.from(cpNorm.subarray(0, nextCp)));
    }
  }

  /**
   * A stage's steps [stageStart, stageEnd) of the current trial (from `this.step`), in tight runs
   * of the kernels between events: path points, snapshots, checkpoints, cancel and progress polls.
   */
  private stageSteps(
    trial: number,
    stage: Stage,
    ks: StepState,
    os: OptimizerStepState | undefined,
    mb: MinibatchStage | undefined,
    stageStart: number,
    stageEnd: number,
    constant: boolean,
  ): void {
    const { d, x, y, g, w, hooks, result, pathSteps, pathBuf, snapSteps, checkpointSteps, cpX, cpNorm, cycle, kernel } = this;
    const sampled = this.isSampled(trial);
    const prev = this.prev;
    let step = this.step;
    let diverged = this.diverged;
    let nextSnap = this.nextSnap;
    let nextCp = this.nextCp;
    // A noise-free stage of the paper's update at a constant rate ends once its state cycles
    // exactly (exactCycle.ts): the rest of its states are known, events read them as they come.
    const watchCycle = !os && !mb && constant && ks.code === NOISE_CODE.none;
    while (step < stageEnd && !diverged) {
      // Events (path point, checkpoint, cancel/progress poll) happen between tight runs.
      // A sampled path's points: here when the loop stops at one, else inside the kernels.
      if (sampled && step === pathSteps[ks.recNext]) {
        pathBuf.set(x, ks.recNext * d);
        ks.recNext++;
      }
      if (step === snapSteps[nextSnap]) {
        result.snapshots[nextSnap]!.push(numbers(x, 0, d));
        nextSnap++;
      }
      if (((step - stageStart) & (CHECK_EVERY - 1)) === 0) {
        if (hooks.cancelled?.()) throw new CancelledError();
        if (hooks.onProgress) {
          const now = Date.now();
          if (now - this.lastReport >= 100) {
            this.lastReport = now;
            hooks.onProgress((trial - this.from) * this.T + step, this.total);
          }
        }
      }
      const isCheckpoint = step === checkpointSteps[nextCp];
      let until = Math.min(stageEnd, stageStart + (((step - stageStart) >> 8) + 1) * CHECK_EVERY);
      // Only the optimizers', the minibatch kernel and a cycle's replay stop at path steps: the
      // paper's kernels keep the path themselves (StepState.rec).
      const kernelKeepsPath = !os && !mb && cycle.period === 0;
      if (sampled && !kernelKeepsPath && ks.recNext < pathSteps.length && pathSteps[ks.recNext] < until)
        until = Math.max(step + 1, pathSteps[ks.recNext]);
      if (nextCp < checkpointSteps.length && checkpointSteps[nextCp] < until) until = Math.max(step + 1, checkpointSteps[nextCp]);
      if (nextSnap < snapSteps.length && snapSteps[nextSnap] < until) until = Math.max(step + 1, snapSteps[nextSnap]);
      if (isCheckpoint) until = step + 1;
      if (cycle.period > 0) {
        step = until;
        cycle.restore(ks, step);
      } else if (watchCycle) {
        if (until > step + CYCLE_WATCH_EVERY) until = step + CYCLE_WATCH_EVERY;
        hooks.userCode?.(true);
        if (until - step > CYCLE_MAX) step += runKernel(kernel, ks, step, until - CYCLE_MAX - step);
        cycle.begin(ks);
        while (step < until && !ks.diverged) {
          step += runKernel(kernel, ks, step, 1);
          cycle.keep(ks);
        }
        if (!ks.diverged) cycle.found(step);
        hooks.userCode?.(false);
      } else {
        // The tight loop: x ← x − η∇f(x) − ηω, nothing else.
        hooks.userCode?.(true);
        if (os) {
          if (constant) {
            step += advanceOptimizer(os, until - step);
          } else {
            while (step < until && !os.diverged) {
              os.lr = stageLr(stage, step - stageStart);
              os.a = stageRadius(stage, step - stageStart);
              step += advanceOptimizer(os, 1);
            }
          }
          if (os.diverged) diverged = true;
        } else if (mb) {
          if (constant) {
            step += advanceMinibatch(ks, mb, until - step);
          } else {
            while (step < until && !ks.diverged) {
              ks.lr = stageLr(stage, step - stageStart);
              step += advanceMinibatch(ks, mb, 1);
            }
          }
        } else if (constant) {
          step += runKernel(kernel, ks, step, until - step);
        } else {
          while (step < until && !ks.diverged) {
            ks.lr = stageLr(stage, step - stageStart);
            ks.a = stageRadius(stage, step - stageStart);
            step += runKernel(kernel, ks, step, 1);
          }
        }
        hooks.userCode?.(false);
      }
      if (ks.diverged) diverged = true;
      if (isCheckpoint && step === checkpointSteps[nextCp] + 1) {
        // x before the step (SGD: y + η∇f; the optimizers keep it), and |∇f + ω| with ω = (ηω)/η.
        const stepLr = os ? os.lr : ks.lr;
        let n2 = 0;
        for (let i = 0; i < d; i++) {
          cpX[nextCp * d + i] = os ? prev[i] : y[i] + stepLr * g[i];
          const v = g[i] + w[i] / stepLr;
          n2 += v * v;
        }
        cpNorm[nextCp] = Math.sqrt(n2);
        nextCp++;
      }
    }
    this.step = step;
    this.diverged = diverged;
    this.nextSnap = nextSnap;
    this.nextCp = nextCp;
  }
}
