/**
 * The engine's result data model: what one run returns (RESULT.json, what the panel draws): per
 * method, the landscape, timing; the diagnostics' part is diagnosticsTypes.ts, re-exported here.
 * Plain JSON-able data, like the inputs in types.ts (which re-exports everything here, so
 * importers keep one path).
 */
import type { Method, MethodSpec, NoiseKind, RunConfig } from './types';
import type { Diagnostics } from './diagnosticsTypes';

export type * from './diagnosticsTypes';

/**
 * Where a method's `finals` are taken: `y_T` = x_T − η∇f(x_T), the paper's analysis point (the
 * `sgd` optimizer, noisy or not: SGD and GD); `x_T`, the last iterate (every other optimizer,
 * for which the paper's y_t is not defined).
 */
export type FinalsPoint = 'y_T' | 'x_T';

/** Result of one method over all trials. */
export interface MethodResult {
  /** y_T or x_T (see `finalsAre`) after the last stage, one array per trial (NaN-free; diverged trials hold their last finite point). */
  finals: number[][];
  finalsAre: FinalsPoint;
  /** x_T after the last stage. */
  finalX: number[][];
  /** f(finals) per trial. */
  finalLoss: number[];
  /** Per-trial flag. */
  divergedMask: boolean[];
  diverged: number;
  /** Starting points x_0 (per trial). */
  starts: number[][];
  /** Thinned paths of the sampled trials: paths[k][p] = x at step steps[p]. */
  paths: number[][][];
  /** Trial index of each sampled path. */
  pathTrials: number[];
  /** Global step index of each point of a path (shared by all paths). */
  pathSteps: number[];
  /**
   * Where every trial is at a few steps (`snapshotSteps`, see sgd.ts `snapshotSteps`: step 0 and
   * up to 9 more before the end, each a path step; none for d > 2 or when the run has too many
   * trials): snapshots[s][trial] = x at step snapshotSteps[s], null once the trial has diverged.
   */
  snapshots: Array<Array<number[] | null>>;
  snapshotSteps: number[];
  /**
   * Figure 5 checkpoints x_t of the sampled trials (`pathTrials`) of the `sgd` method:
   * checkpoints[k][c] (d numbers) for trial pathTrials[k], at steps `checkpointSteps` (version 2;
   * version 1 kept every trial's). Other methods keep none.
   */
  checkpoints: number[][][];
  /** The steps of the checkpoints (before the step's update); [] for a method without them. */
  checkpointSteps: number[];
  /** Norm of the stochastic gradient ∇f(x_t)+ω_t at each checkpoint, per sampled trial as `checkpoints`. */
  stochasticGradNorm: number[][];
  /**
   * Where the trials ran, never in RESULT.json: the `sgd` method's Figure 5 sums over its trials
   * (trajectory.ts), and each trial's checkpoints for Theorem 3 — x_t at
   * checkpointX[(t·C + c)·d + j] and ‖∇f(x_t)‖² at checkpointGrad2[t·C + c] for trial t of the
   * part, checkpoint c of C (NaN where the trial diverged).
   */
  figure5?: Figure5Sums;
  checkpointX?: Float64Array;
  checkpointGrad2?: Float64Array;
  /** Final point (y_T or x_T, as `finals`) of each stage per trial: stageFinals[stage][trial]. */
  stageFinals: number[][][];
}

/** One series' statistics at each checkpoint over the finite values added: min, max, exact sum, count. */
export interface SeriesSums {
  min: number[];
  max: number[];
  /** The exact sum's partials (exactSum.ts). */
  sum: number[][];
  n: number[];
}

/** The Figure 5 sums of some trials (`MethodResult.figure5`): merge with `mergeFigure5`, read with `figure5Series`. */
export interface Figure5Sums {
  /** (a) ⟨−∇f(x_t), x_T − x_t⟩. */
  inner: SeriesSums;
  /** (b) ⟨−∇f(w), x_T − x_t⟩, w in the probe ball. */
  probe: SeriesSums;
  /** (b) ⟨−∇f(w), x_T − w⟩. */
  probeAtW: SeriesSums;
  /** (c) ‖∇f(x_t) + ω_t‖. */
  gradNorm: SeriesSums;
}

/** How a method's finals fared against the targets (success.ts). */
export interface MethodSuccess {
  /** Finals (not diverged) within successRadius of a target. */
  success: number;
  /** success / trials. */
  successRate: number;
  /** Successes per target (each counted at its nearest target), in the order of `targets`. */
  perTarget: number[];
  /** Finals (not diverged) outside the drawn domain: counted, drawn on its edge, never dropped. */
  outside: number;
}

/** One method of a result (RESULT.json `methods[i]`): its spec, all its trials and how they fared. */
export interface MethodRun extends MethodSpec, MethodResult, MethodSuccess {
  /** `sgd` / `gd` when the result's `sgd` / `gd` field is this method. */
  role?: Method;
}

export interface SmoothedCurve {
  radius: number;
  noise: NoiseKind;
  /** 1-D: values[ix]; 2-D: values[iy][ix]; d > 2: values[slice][i]. */
  values: number[] | number[][];
  /**
   * d > 2 only: the Monte-Carlo standard error of each value (stdError[slice][i]), from the spread
   * of the rule's antithetic pair means at that point. 1-D and 2-D values are quadratures whose
   * error is below 1e-3 of g's range (see gridSmoothing.ts), so they carry none.
   */
  stdError?: number[][];
  /**
   * 2-D only, when f was NaN or ±Infinity at points the smoothing samples (between and beyond the
   * grid points too): how many of the samples, the first one, and how many values of g are gaps
   * because their kernel reaches one.
   */
  nonFinite?: NonFiniteCount & { gaps: number };
}

export interface Landscape {
  /** Grid along x (1-D, 2-D) or slice parameter t (d > 2). */
  x: number[];
  /** 2-D only. */
  y?: number[];
  /** f on the grid: 1-D f[ix]; 2-D f[iy][ix]; d > 2 f[slice][i]. */
  f: number[] | number[][];
  /** One per distinct (radius, noise) of the stages with noise. */
  smoothed: SmoothedCurve[];
  /** d > 2: the slice directions (unit vectors) through `origin`. */
  directions?: number[][];
  /**
   * d > 2: the slice origin: x* (declared, or found by descent from the finals, when the slices are
   * recomputed through it after the trials), else the centre of the domain.
   */
  origin?: number[];
  /**
   * d > 2: how the slice directions were chosen: `configured` (sliceDirections), `random` (seeded,
   * orthonormal in blocks of d), or `noise-eigenvectors` (the eigenvectors of the measured
   * minibatch noise covariance C(x*), largest eigenvalue first, unit length; random ones past d).
   */
  sliceSource?: 'configured' | 'random' | 'noise-eigenvectors';
  /**
   * Grid points where f is NaN or ±Infinity (absent when there are none). They are gaps: drawn as
   * nothing (null in RESULT.json), and left out of x*, c and L, as are smoothed values they touch.
   */
  nonFinite?: NonFiniteCount;
}

/** How many of `of` grid points are not finite, and the first one: its point and f's value there. */
export interface NonFiniteCount {
  count: number;
  of: number;
  at: number[];
  /** "NaN", "Infinity" or "-Infinity" (a string, so it survives JSON). */
  value: string;
}

/**
 * Milliseconds. On the worker pool the phases overlap (SGD, GD and landscape tasks share the
 * queue), so each is the wall-clock span of that phase's own tasks; totalMs is the whole run.
 */
export interface RunTiming {
  /** SGD trials (the method `sgd` of the result). */
  trialsMs: number;
  /** GD trials (the method `gd`; 0 without). */
  gdMs: number;
  /** Each method's trials, in the order of config.methods. */
  methodsMs?: number[];
  /**
   * The landscape's tasks: f and g on the grid (2-D: with the ∇g maps computed with g) and L; 0 when
   * the run reused the landscape of an earlier run of the same loss and settings (the extension's
   * pool keeps its last few: runner/pool.ts `keepWarm`).
   */
  landscapeMs: number;
  diagnosticsMs: number;
  totalMs: number;
  workers: number;
}

/**
 * A run's result, what the panel draws. RESULT.json holds it as `ResultFile` (resultFile.ts): since
 * version 3 without `finals`, `sgd` and `gd`, which are the methods of those roles (the same
 * objects here) and are restored on reading.
 */
export interface ExperimentResult {
  /**
   * The layout it was written in: 3, each method's trials once (`methods`); 2, with the copies
   * `finals`, `sgd` and `gd` besides, and `checkpoints` and `stochasticGradNorm` of the sampled
   * trials only; 1, those of every trial. A new run is 3; a stored run keeps its own.
   */
  version: 1 | 2 | 3;
  /** The exact settings used, so the run can be repeated. */
  config: RunConfig;
  source?: { file: string; exportName: string };
  /** The `sgd` method's finals (`sgd.finals`; not written since version 3) and diverged count (as before methods existed). */
  finals: number[][];
  diverged: number;
  /** Every method, in the order of config.methods. */
  methods: MethodRun[];
  /**
   * The paper's noisy SGD: the first method of optimizer `sgd` whose noise is not overridden to
   * `none` (else the first method). The Figure 5 and Theorem 1 diagnostics are of this method.
   * The method of role `sgd` in `methods` (not written since version 3).
   */
  sgd: MethodResult;
  /** Plain GD: the first method of optimizer `sgd` with noise `none`, if any: the method of role `gd` (not written since version 3). */
  gd?: MethodResult;
  landscape: Landscape;
  diagnostics: Diagnostics;
  timing: RunTiming;
  startedAt: string;
}
