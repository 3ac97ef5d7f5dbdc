/**
 * The engine's public data model. Everything here is plain JSON-able data so it can cross a
 * worker boundary, be written by the CLI as RESULT.json and be posted to a webview unchanged.
 * Names follow the paper (Kleinberg, Li, Yuan 2018): `radius` is the x-space radius a = η·r of
 * the perturbation η·ω, `lr` is η, `xStar` is x*.
 */

/** A loss evaluated at a point. The engine never keeps or mutates the array it passes. */
export type Loss = ((x: Float64Array) => number) & {
  /**
   * The same function taking coordinates as numbers (set by the adapter for a user function
   * of 1 or 2 number parameters): the SGD hot loop then runs on scalars, as a hand-written loop would.
   */
  scalar?: ((x: number) => number) | ((x: number, y: number) => number);
};
/** Writes ∇f(x) into `out`. */
export type Gradient = (x: Float64Array, out: Float64Array) => void;

/** How the user's exported function takes its point: k numbers, or one array. */
export type ArgStyle = 'scalars' | 'array';

/** SGD (the stages' noise) or plain GD (no noise, same starts and schedule). */
export type Method = 'sgd' | 'gd';

/** Law of the x-space perturbation η·ω. `none` is plain GD. */
export type NoiseKind = 'uniform' | 'gaussian' | 'cube' | 'none';

/** An axis-aligned box. */
export interface Box {
  low: number[];
  high: number[];
}

/** How the learning rate moves within one stage (t counts steps from the stage start). */
export type Decay =
  | { kind: 'constant' }
  /** lr · factor^floor(t / every) */
  | { kind: 'step'; every: number; factor: number }
  /** lr · rate^t */
  | { kind: 'exponential'; rate: number }
  /** minLr + (lr − minLr)·(1 + cos(π t / steps))/2 */
  | { kind: 'cosine'; minLr?: number }
  /** lr / (1 + t / t0) */
  | { kind: 'inverse'; t0: number };

/** One stage of a schedule (the paper's Figure 3 row 3 chains four of these). */
export interface Stage {
  /** Learning rate η at the start of the stage. */
  lr: number;
  /** x-space noise radius a = η·r (uniform ball radius, Gaussian σ, or cube half-width). */
  radius: number;
  steps: number;
  noise: NoiseKind;
  /** When present, trials restart from fresh uniform draws in this box instead of chaining. */
  init?: Box;
  /** Learning-rate decay inside the stage; constant when absent. */
  decay?: Decay;
  /**
   * When true the perturbation scales with the decayed learning rate (a_t = radius·η_t/η),
   * i.e. the gradient-noise bound r stays fixed. Default false: radius stays as given.
   */
  scaleRadiusWithLr?: boolean;
}

/** A run configuration: the RUN.json contract of the CLI (after defaults are applied). */
export interface RunConfig {
  /** Export name of the loss in the user's file. */
  function: string;
  /** Dimension; inferred from the function when it takes k number parameters. */
  dim: number;
  seed: string;
  trials: number;
  init: Box;
  stages: Stage[];
  /** Target point x*; when absent the minimizer of the smoothed landscape on the grid is used. */
  xStar?: number[];
  /** Landscape domain; defaults to the init box. */
  domain: Box;
  /** Grid points per axis for landscapes and c-maps. */
  resolution: number;
  /** Also run plain GD (no noise, same starts, same lr schedule) beside SGD. Default true. */
  compareGd: boolean;
  /** Trials whose full paths are kept (thinned) for drawing. */
  sampleTrajectories: number;
  /** Points kept per sampled path. */
  trajectoryPoints: number;
  /** Checkpoints per trial for the Figure 5 diagnostics. */
  checkpoints: number;
  /** Radius of the ball around x_t for Figure 5(b). */
  probeRadius: number;
  /** Random points per checkpoint for Figure 5(b). */
  probeSamples: number;
  /** Histogram bin width (1-D) — the paper uses 0.06. */
  histogramBin: number;
  /** A trial whose iterate leaves this many domain diameters from the domain is diverged. */
  divergenceFactor: number;
  /** Central-difference step; 0 means automatic (≈ 1e-5 · scale). */
  fdStep: number;
  /** Slices through x* for d > 2 (random orthonormal directions when `sliceDirections` is absent). */
  slices: number;
  sliceDirections?: number[][];
  /**
   * A trial succeeds when ‖y_T − x*‖ is at most this; absent: automatic (5% of the domain
   * diameter, or the last stage's Theorem 1 ball when that is smaller). See `successRadiusOf`.
   */
  successRadius?: number;
}

/**
 * RUN.json as a user writes it (also `<name>Options.defaults` and the editor's settings as a
 * layer): everything optional. Fields, ranges and defaults: src/engine/settingsSchema.ts.
 */
export type RunConfigInput = Partial<Omit<RunConfig, 'stages' | 'init' | 'domain' | 'seed'>> & {
  seed?: string | number;
  stages?: Array<Partial<Stage>>;
  init?: Partial<Box>;
  domain?: Partial<Box>;
  /** Flat stage fields: one stage, or set in every stage of the schedule below (see config.ts). */
  lr?: number;
  radius?: number;
  steps?: number;
  noise?: NoiseKind;
  decay?: Decay;
};

/** Result of one method (SGD or GD) over all trials. */
export interface MethodResult {
  /** y_T after the last stage, one array per trial (NaN-free; diverged trials hold their last finite y). */
  finals: number[][];
  /** x_T after the last stage. */
  finalX: number[][];
  /** f(y_T) per trial. */
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
  /** Checkpoints x_t for every trial: checkpoints[trial][c] (d numbers), at steps `checkpointSteps`. */
  checkpoints: number[][][];
  checkpointSteps: number[];
  /** Norm of the stochastic gradient ∇f(x_t)+ω_t at each checkpoint, per trial. */
  stochasticGradNorm: number[][];
  /** Final iterate y_T of each stage per trial: stageFinals[stage][trial]. */
  stageFinals: number[][][];
}

export interface SmoothedCurve {
  radius: number;
  noise: NoiseKind;
  /** 1-D: values[ix]; 2-D: values[iy][ix]; d > 2: values[slice][i]. */
  values: number[] | number[][];
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
  /** d > 2: the slice directions (unit vectors) through x*. */
  directions?: number[][];
  /** d > 2: the slice origin (x*). */
  origin?: number[];
}

/** c(y) = ⟨−∇g(y), x* − y⟩ / ‖x* − y‖² on the landscape grid for one smoothing radius. */
export interface ConvexityMap {
  radius: number;
  noise: NoiseKind;
  /** Same layout as Landscape.f; NaN at x* itself. */
  values: number[] | number[][];
  /** inf c(y) over the region where trials run (the init box ∩ grid, x* excluded by a small ball). */
  c: number;
  /** Where the infimum is attained. */
  argInf: number[];
  /** Fraction of region grid points with c(y) > 0. */
  positiveFraction: number;
}

/**
 * What Theorem 1 says for a stage: `c-unknown` — no grid point of the start region lies outside
 * the small ball around x*, so c has no estimate; `c-not-positive` — c ≤ 0, the smoothed landscape
 * does not point to x* everywhere there, the theorem does not apply; `lr-too-large` — λ = 2ηc − η²L²
 * ≤ 0, nothing is predicted; `predicted` — T1, the ball and the observed fraction are numbers
 * (a guarantee when `conditionHolds`, else an extrapolation).
 */
export type Theorem1Outcome = 'c-unknown' | 'c-not-positive' | 'lr-too-large' | 'predicted';

/** The paper's Theorem 1 evaluated with estimated constants (numbers only; the views word them). */
export interface Theorem1Prediction {
  stage: number;
  lr: number;
  radius: number;
  /** Steps of the stage (T1 beyond it is a time the run never reached). */
  steps: number;
  /** Estimated smoothness constant L (max spectral norm of the Hessian on the region). */
  L: number;
  /** One-point convexity constant c used (from the convexity map for this stage's radius). */
  c: number;
  outcome: Theorem1Outcome;
  /** Whether η < min{1/(2L), c/L², 1/(2c)} holds. */
  conditionHolds: boolean;
  /** min{1/(2L), c/L², 1/(2c)}. */
  lrBound: number;
  lambda: number;
  b: number;
  /** Steps needed: log(λ‖y0 − x*‖²/b)/λ (median y0 of the stage). */
  T1: number;
  /** √(20 b / λ). */
  ballRadius: number;
  /** Observed fraction of trials with ‖y_T − x*‖ ≤ ballRadius at the stage end. */
  observedInside: number;
}

/** Figure 5 of the paper along SGD trajectories, one value per checkpoint. */
export interface TrajectoryDiagnostics {
  steps: number[];
  /** (a) ⟨−∇f(x_t), x_T − x_t⟩: min and mean over trials. */
  innerMin: number[];
  innerMean: number[];
  /** (b) ⟨−∇f(w), x_T − x_t⟩ for w uniform in a ball around x_t: mean, min, max over trials × samples. */
  probeMean: number[];
  probeMin: number[];
  probeMax: number[];
  /** (c) norm of the stochastic gradient: mean, min, max over trials. */
  gradNormMean: number[];
  gradNormMin: number[];
  gradNormMax: number[];
}

export interface Histogram {
  /** 1-D: bin edges (length bins+1). */
  edges: number[];
  sgd: number[];
  gd: number[];
  /** 2-D: edges along y and counts[iy][ix]. */
  edgesY?: number[];
  sgd2d?: number[][];
  gd2d?: number[][];
}

export interface Diagnostics {
  xStar: number[];
  /** Where x* came from. */
  xStarSource: 'user' | 'config' | 'smoothed-minimum';
  /** inf c(y) for the first noisy stage's radius (the headline number). */
  c: number;
  convexity: ConvexityMap[];
  theorem1: Theorem1Prediction[];
  trajectory: TrajectoryDiagnostics;
  histogram: Histogram;
  /** Estimated L (see Theorem1Prediction.L). */
  L: number;
  /** Neighbourhood of x* used for success counts. */
  successRadius: number;
  /** Which rule gave it (absent in runs stored before the setting existed). */
  successRadiusSource?: SuccessRadiusSource;
  /** Trials whose y_T is within successRadius of x*, per method. */
  successSgd: number;
  successGd: number;
}

/**
 * Where a run's success radius came from: the `successRadius` setting, else 5% of the domain
 * diameter (`domain`), or the last stage's Theorem 1 ball when that is smaller (`theorem1`).
 */
export type SuccessRadiusSource = 'setting' | 'domain' | 'theorem1';

/**
 * Milliseconds. On the worker pool the phases overlap (SGD, GD and landscape tasks share the
 * queue), so each is the wall-clock span of that phase's own tasks; totalMs is the whole run.
 */
export interface RunTiming {
  /** SGD trials. */
  trialsMs: number;
  gdMs: number;
  landscapeMs: number;
  diagnosticsMs: number;
  totalMs: number;
  workers: number;
}

/** RESULT.json and what the panel draws. */
export interface ExperimentResult {
  version: 1;
  /** The exact settings used, so the run can be repeated. */
  config: RunConfig;
  source?: { file: string; exportName: string };
  finals: number[][];
  diverged: number;
  sgd: MethodResult;
  gd?: MethodResult;
  landscape: Landscape;
  diagnostics: Diagnostics;
  timing: RunTiming;
  startedAt: string;
}

/** Optional per-function metadata a loss file may export as `<name>Options`. */
export interface LossOptions {
  gradient?: (...args: any[]) => number[] | Float64Array;
  domain?: Box;
  xStar?: number[];
  dim?: number;
  defaults?: RunConfigInput;
}
