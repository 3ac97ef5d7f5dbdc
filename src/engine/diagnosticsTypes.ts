/**
 * The diagnostics' part of the result data model (RESULT.json `diagnostics`): one-point convexity
 * maps, Theorem 1 and Theorem 3 as numbers, smoothness L, the Figure 5 statistics, histograms,
 * targets and success, the plane through x* (d > 2); the minibatch gradient noise's part is
 * gradientNoiseTypes.ts, re-exported here. Plain JSON-able data; re-exported by resultTypes.ts and
 * types.ts, so importers keep one path.
 */
import type { Box, NoiseKind } from './types';
import type { MethodSuccess } from './resultTypes';
import type { DivergenceAdvice } from './suggest';
import type { GradientNoise } from './gradientNoiseTypes';

export type * from './gradientNoiseTypes';

/**
 * c(y) = ⟨−∇g(y), x* − y⟩ / ‖x* − y‖² on the landscape grid for one smoothing radius (radius 0,
 * noise 'none': c of f itself).
 */
export interface ConvexityMap {
  radius: number;
  noise: NoiseKind;
  /**
   * Same layout as Landscape.f. At x* itself (when it is a grid point) the limit of c(y) as y → x*,
   * λ_min(∇²g(x*)); NaN there for d > 2 slices.
   */
  values: number[] | number[][];
  /**
   * inf c(y) over the region where trials run: every grid point of the init box, x* by its limit
   * value; when x* is not a minimiser of g there, capped by the mean-value bound of `xStarCheck`.
   */
  c: number;
  /** Where the infimum is attained (with the cap: the region's lowest point of g). */
  argInf: number[];
  /** Fraction of region grid points with c(y) > 0. */
  positiveFraction: number;
  /** Whether x* minimises g over the region's grid points (absent when g was not available). */
  xStarCheck?: XStarCheck;
  /**
   * d > 2: `domain` when no slice point lies in the init box (slices through an x* found by descent
   * outside it) and the region is the slice points inside the domain instead; absent: the init box.
   */
  region?: 'domain';
}

/**
 * x* against g's smallest value on the region's grid. `minimises` false means g(y) < g(x*) for a
 * grid point y of the region beyond the quadrature's slack, so Assumption 1 fails: on the segment
 * from y to x* some z has c(z) ≤ −(g(x*) − g(y))/‖x* − y‖².
 */
export interface XStarCheck {
  minimises: boolean;
  /** g(x*). */
  g: number;
  /** Smallest g on the region's grid points, and where. */
  gMin: number;
  argMin: number[];
}

/**
 * What Theorem 1 says for a stage: `x-star-not-minimiser` — g is lower somewhere in the start
 * region than at x*, so Assumption 1 fails whatever c reads (checked first); `c-unknown` — c has no
 * estimate (no grid point in the start region); `c-not-positive` — c ≤ 0, the smoothed landscape
 * does not point to x* everywhere there, the theorem does not apply; `lr-too-large` — λ = 2ηc − η²L²
 * ≤ 0, nothing is predicted; `predicted` — T1, the ball and the observed fraction are numbers
 * (a guarantee when `conditionHolds`, else an extrapolation).
 */
export type Theorem1Outcome = 'x-star-not-minimiser' | 'c-unknown' | 'c-not-positive' | 'lr-too-large' | 'predicted';

/** The paper's Theorem 1 evaluated with estimated constants (numbers only; the views word them). */
export interface Theorem1Prediction {
  stage: number;
  lr: number;
  radius: number;
  /**
   * The stage's noise law. For 'gaussian' the theorem's bound r on ‖ηω‖ does not exist; b uses the
   * root-mean-square size σ√d in its place (a substitution, not the theorem).
   */
  noise?: NoiseKind;
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
  /** Median ‖y − x*‖ over the stage's starts and over its finals (diverged trials' last finite points): what the stage did, predicted or not. Absent in runs stored before. */
  startDistance?: number;
  endDistance?: number;
  /** x* against g's minimum on the stage's start region (see ConvexityMap.xStarCheck). */
  xStarCheck?: XStarCheck;
  /** Where L was found (see Diagnostics.smoothness). */
  smoothness?: Smoothness;
}

/**
 * Theorem 3 (step too big) along the SGD trajectories: where η > 2c′‖x_t − x*‖²/‖∇f(x_t)‖², one
 * full gradient step from x_t moves farther from x* (the paper's Figure 4).
 */
export interface Theorem3Report {
  /** c′ = sup ⟨−∇f(y), x* − y⟩/‖x* − y‖² over the start region's grid points (NaN if none). */
  cPrime: number;
  /** Checkpoints x_t examined (trials that did not diverge) and those where the step is too big. */
  checked: number;
  tooBig: number;
  /** Checkpoint steps where it happens, with how many trials each. */
  steps: number[];
  counts: number[];
  /** The bounding box of those x_t and their distances to x*. */
  region?: Box;
  distMin?: number;
  distMax?: number;
}

/** The smoothness estimate L and where it comes from. */
export interface Smoothness {
  L: number;
  /** The sample point where L was found. */
  at: number[];
  /**
   * `at` lies on the init box's boundary and the second difference there grows as its step
   * shrinks: a jump in f′ (a kink), which no finite L describes; `interior` is then the largest
   * value off the boundary, found at `interiorAt`.
   */
  edgeKink: boolean;
  interior?: number;
  interiorAt?: number[];
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
  /**
   * (b), the caption's other reading: ⟨−∇f(w), x_T − w⟩ at the same w (one-point convexity toward
   * x_T of the neighbourhood itself). Absent in results stored before it existed.
   */
  probeAtWMean?: number[];
  probeAtWMin?: number[];
  probeAtWMax?: number[];
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
  /** Every method's counts on the same edges, in the order of config.methods (`sgd`/`gd` above repeat two of them). */
  methods?: Array<{ counts: number[]; counts2d?: number[][] }>;
}

/**
 * Where the success targets came from: `declared` (RUN.json or `<name>Options.targets`),
 * `found` (the global minima of f on the landscape grid, refined by descent), `descent` (d > 2:
 * the distinct local minima that descent from the trials' finals reached, at the lowest value
 * found within `MinimaSearch.valueTolerance`; localMinima.ts), or `x-star` (x* alone: x* was
 * declared, or no minimum was found on the grid).
 */
export type TargetsSource = 'declared' | 'found' | 'descent' | 'x-star';

/**
 * d > 2 without a declared x*: how x* and the targets were found (localMinima.ts). x* is a local
 * minimum of f reached by L-BFGS with backtracking from the lowest-f final of the trials.
 */
export interface MinimaSearch {
  /** The final whose descent reached x* (the lowest minimum found): its method (index in config.methods), trial and f there; absent when it started from the slice grid's minimum (no usable final). */
  start?: { method: number; trial: number; f: number };
  /** f(x*). */
  value: number;
  /** ‖∇f(x*)‖ where the descent stopped, whether that met the tolerance 1e-9·max(1, |f|), and its iterations. */
  gradientNorm: number;
  converged: boolean;
  iterations: number;
  /** The smallest eigenvalue of f's Hessian at x* (central differences of ∇f; d ≤ 64): > 0 at a strict minimum. */
  minEigenvalue?: number;
  /** Saddles left along negative curvature on the way. */
  saddleEscapes: number;
  /** Finals considered (not diverged, f finite, inside the domain), and how many were descended. */
  candidates: number;
  descents: number;
  /**
   * Finals left undescended because MAX_DESCENTS (256) descents were done, and not within the skip
   * radius of any target: judged by distance to the targets alone, so one lying in a copy of the
   * lowest minimum that no descent reached counts as a failure (success may undercount by this many).
   * Absent in results written before it was counted.
   */
  capped?: number;
  /** Distinct minima reached, and f at each, ascending. */
  minima: number;
  values: number[];
  /** Minima within this of the lowest f, f(x*), are targets: 1e-4 of f's range on the result's landscape (the slices through x*) + 1e-9·max(1, |f(x*)|). */
  valueTolerance: number;
  /** Minima closer than this (1e-3 of the domain diameter) are one. */
  mergeDistance: number;
}

export interface Diagnostics {
  xStar: number[];
  /**
   * Where x* came from: the caller (`user`), the settings (`config`), the grid minimum of the most
   * smoothed landscape (`smoothed-minimum`, d ≤ 2), or a local minimum of f found by descent from
   * the trials' finals (`descent`, d > 2: `minimaSearch`).
   */
  xStarSource: 'user' | 'config' | 'smoothed-minimum' | 'descent';
  /** d > 2 with x* found by descent: how (localMinima.ts). */
  minimaSearch?: MinimaSearch;
  /** inf c(y) for the first noisy stage's radius (the headline number). */
  c: number;
  convexity: ConvexityMap[];
  theorem1: Theorem1Prediction[];
  trajectory: TrajectoryDiagnostics;
  histogram: Histogram;
  /** Estimated L (see Theorem1Prediction.L). */
  L: number;
  /** Where L is attained, and the interior value beside it when that is a kink on the region's edge. */
  smoothness?: Smoothness;
  /** Theorem 3 along the trajectories (absent in results stored before it existed). */
  theorem3?: Theorem3Report;
  /** Success means ending within successRadius of any target. */
  targets: number[][];
  targetsSource: TargetsSource;
  /** Index of the target x* (the point c(y) and Theorem 1 refer to) is at, or −1 when x* is none of them. */
  xStarTarget: number;
  /** Neighbourhood of a target used for success counts. */
  successRadius: number;
  /** Which rule gave it (absent in runs stored before the setting existed). */
  successRadiusSource?: SuccessRadiusSource;
  /** Successes of the methods `sgd` and `gd` of the result (0 without GD). */
  successSgd: number;
  successGd: number;
  /** Every method's success against the targets, in the order of config.methods. */
  methods: MethodSuccess[];
  /** Minibatch SGD on a finite-sum loss: the measured gradient noise (absent otherwise). */
  gradientNoise?: GradientNoise;
  /** When a method diverged in more than half of its trials: the likely cause from f's curvature and an η to try. */
  divergence?: DivergenceAdvice;
  /** d > 2: f, g and c(y) on a plane through x*, with the sampled paths projected onto it (plane.ts). */
  plane?: SlicePlane;
}

/** g and c(y) of one smoothing law on the plane through x* (`SlicePlane`). */
export interface PlaneSmoothing {
  /** `stage`: a stage's isotropic law; `measured`: N(0, η²C(x*)); `isotropic`: N(0, σ²I) of the same trace. */
  kind: 'stage' | 'measured' | 'isotropic';
  noise: NoiseKind;
  /** The law's x-space radius (σ for a Gaussian; for `measured`, η√tr C, the isotropic radius of the same power). */
  radius: number;
  /** `measured`: the kick covariance η²C(x*), d × d. */
  covariance?: number[][];
  /** g on the plane grid, values[iβ][iα], and the Monte-Carlo standard error of each. */
  values: number[][];
  stdError: number[][];
  /** c(y) toward x* on the grid (at x* its limit); inf over the grid points inside the init box (`SlicePlane.region`), where ([α, β]), fraction > 0. */
  convexity: number[][];
  c: number;
  argInf: number[];
  positiveFraction: number;
}

/**
 * d > 2: a 2-D plane through x*, the points x* + αu + βv. `source`: `noise-eigenvectors` (the top
 * two eigenvectors of the minibatch gradient-noise covariance C(x*), with C's `eigenvalues` along
 * them), `configured` (the first two `sliceDirections`), or `filter-normalized` (seeded Gaussian
 * directions scaled to ‖x*‖, Li et al. 2018 with the whole vector as one filter).
 */
export interface SlicePlane {
  source: 'noise-eigenvectors' | 'configured' | 'filter-normalized';
  directions: [number[], number[]];
  eigenvalues?: [number, number];
  origin: number[];
  /** Grid coordinates along u and v. */
  alpha: number[];
  beta: number[];
  /** f on the grid, f[iβ][iα]. */
  f: number[][];
  smoothed: PlaneSmoothing[];
  /** Monte-Carlo kicks per value of g (antithetic pairs, common to every grid point). */
  samples: number;
  /**
   * Where each law's c, argInf and positiveFraction are taken: `init`, the grid points inside the
   * start box; `grid`, every grid point, when none lies in the box (x* outside it, as a minimum
   * found by descent may be). Absent in results stored before it existed: `init`.
   */
  region?: 'init' | 'grid';
  /** The sgd method's sampled paths projected: paths[k][t] = [α, β] (least squares in the plane). */
  paths: number[][][];
  pathTrials: number[];
  /** Its finals y_T projected ([NaN, NaN] for a non-finite final). */
  finals: number[][];
  /**
   * A minibatch run with model trials (`gradientNoise.modelTrials`): their finals y_T projected the
   * same way — under the measured Gaussian N(0, η²C(x*)) (`anisotropic`) and the isotropic one of the
   * same trace (`isotropic`), trial by trial ([NaN, NaN] for a diverged one). Absent otherwise, and
   * in results stored before it existed.
   */
  modelFinals?: { anisotropic: number[][]; isotropic: number[][] };
  /** Median over the projected path points and finals of the part of x − x* off the plane, relative to ‖x − x*‖. */
  offPlane: number;
}

/**
 * Where a run's success radius came from: the `successRadius` setting, else 5% of the domain
 * diameter (`domain`), or the last stage's Theorem 1 ball when that is smaller (`theorem1`).
 */
export type SuccessRadiusSource = 'setting' | 'domain' | 'theorem1';
