/**
 * The engine's public data model. Everything here is plain JSON-able data so it can cross a
 * worker boundary, be written by the CLI as RESULT.json and be posted to a webview unchanged.
 * Names follow the paper (Kleinberg, Li, Yuan 2018): `radius` is the x-space radius a = η·r of
 * the perturbation η·ω, `lr` is η, `xStar` is x*.
 */
import type { FiniteSum } from './finiteSum';

/** The result types (RESULT.json) live in resultTypes.ts; one import path for both. */
export type * from './resultTypes';

/** A loss evaluated at a point. The engine never keeps or mutates the array it passes. */
export type Loss = ((x: Float64Array) => number) & {
  /**
   * The same function taking coordinates as numbers (set by the adapter for a user function
   * of 1 or 2 number parameters): the SGD hot loop then runs on scalars, as a hand-written loop would.
   */
  scalar?: ((x: number) => number) | ((x: number, y: number) => number);
  /**
   * Set when the loss is a finite sum f(w) = (1/n) Σᵢ ℓ(w, eᵢ) (finiteSum.ts): its examples, for
   * minibatch noise and the gradient-noise covariance.
   */
  finiteSum?: FiniteSum;
};
/** Writes ∇f(x) into `out`. */
export type Gradient = (x: Float64Array, out: Float64Array) => void;

/** How the user's exported function takes its point: k numbers, or one array. */
export type ArgStyle = 'scalars' | 'array';

/**
 * Shorthands of the paper's pair: noisy SGD (the stages' noise) and plain GD (no noise, same
 * starts and schedule); also the roles of the methods `sgd` and `gd` of a result point to.
 */
export type Method = 'sgd' | 'gd';

/**
 * An update rule, as PyTorch defines it, fed the stochastic gradient ĝ_t = ∇f(x_t) + ω_t (ηω_t
 * drawn from the stage's noise law): `sgd` x ← x − ηĝ (the paper's model); `momentum`
 * v ← βv + ĝ, x ← x − ηv; `nesterov` v ← βv + ĝ, x ← x − η(ĝ + βv); `adam` m ← β₁m + (1−β₁)ĝ,
 * s ← β₂s + (1−β₂)ĝ², x ← x − η(m/(1−β₁ᵗ))/(√(s/(1−β₂ᵗ)) + ε), t from 1; `sam`
 * e = ρ∇f(x)/‖∇f(x)‖, ĝ = ∇f(x + e) + ω, x ← x − ηĝ. Parameters and defaults: OPTIMIZER_KINDS
 * in settingsSchema.ts.
 */
export type Optimizer =
  | { kind: 'sgd' }
  | { kind: 'momentum'; beta: number }
  | { kind: 'nesterov'; beta: number }
  | { kind: 'adam'; beta1: number; beta2: number; eps: number }
  | { kind: 'sam'; rho: number };
export type OptimizerKind = Optimizer['kind'];

/**
 * One method of a run: an optimizer run from the same starts, seed and stages as the others.
 * `noise`, when set, replaces every stage's noise kind for this method (`none`: its
 * deterministic version; the stages' radii stay).
 */
export interface MethodSpec {
  name: string;
  optimizer: Optimizer;
  noise?: NoiseKind;
}

/**
 * Law of the x-space perturbation η·ω. `none` is plain GD. `minibatch` (finite-sum losses only):
 * no added kick; the step uses the mean gradient of a batch of `batchSize` examples instead of ∇f.
 */
export type NoiseKind = 'uniform' | 'gaussian' | 'cube' | 'none' | 'minibatch';

/**
 * How a minibatch stage draws its batches: `uniform`, B distinct examples uniformly at random
 * each step; `shuffle`, consecutive batches of a fresh random permutation each epoch.
 */
export type Sampling = 'uniform' | 'shuffle';

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
  /** Noise `minibatch`: examples per step B (1 ≤ B ≤ n; B = n is exactly GD). */
  batchSize?: number;
  /** Noise `minibatch`: how batches are drawn (default `uniform`). */
  sampling?: Sampling;
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
  /**
   * The methods, in order, all from the same starts, seed and stages. Resolved: without
   * `methods` in any layer, noisy SGD and (when compareGd) GD.
   */
  methods: MethodSpec[];
  /** Points a final counts as a success near (any of them); when absent, a declared x*, else the global minima of f found on the grid. */
  targets?: number[][];
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
  /**
   * Slices through x* for d > 2. Without `sliceDirections`: seeded random directions (orthonormal in
   * blocks of d), and, for a minibatch run without a declared x* (found from the finals; d ≤ 64), the result's
   * slices through x* along the eigenvectors of C(x*) (diagnostics.ts `slicesThroughXStar`).
   */
  slices: number;
  sliceDirections?: number[][];
  /**
   * A trial succeeds when its final is at most this far from a target (x* without `targets`); absent: automatic (5% of the domain
   * diameter, or the last stage's Theorem 1 ball when that is smaller). See `successRadiusOf`.
   */
  successRadius?: number;
}

/**
 * RUN.json as a user writes it (also `<name>Options.defaults` and the editor's settings as a
 * layer): everything optional. Fields, ranges and defaults: src/engine/settingsSchema.ts.
 */
export type RunConfigInput = Partial<Omit<RunConfig, 'stages' | 'init' | 'domain' | 'seed' | 'methods'>> & {
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
  batchSize?: number;
  sampling?: Sampling;
  /** Methods as written: the optimizer's parameters may be left out (PyTorch's defaults). */
  methods?: Array<{ name: string; optimizer?: Partial<Optimizer> & { kind: OptimizerKind }; noise?: NoiseKind }>;
};

/** Optional per-function metadata a loss file may export as `<name>Options`. */
export interface LossOptions {
  /** ∇f at f's arguments; for a finite-sum loss ∇_w ℓ(w, e) of one example, at ℓ's arguments. */
  gradient?: (...args: any[]) => number[] | Float64Array;
  /**
   * The examples e₁ … eₙ of a finite-sum loss f(w) = (1/n) Σᵢ ℓ(w, eᵢ), whose exported function
   * takes the example as a trailing parameter: an array, or a function returning one (called once
   * in each worker).
   */
  data?: readonly unknown[] | (() => readonly unknown[]);
  domain?: Box;
  xStar?: number[];
  /** Success targets (points); see RunConfig.targets. */
  targets?: number[][];
  dim?: number;
  defaults?: RunConfigInput;
}
