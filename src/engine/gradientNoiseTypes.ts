/**
 * The minibatch gradient noise's part of the result data model (RESULT.json
 * `diagnostics.gradientNoise`): the measured covariance at x* and along the sampled trials, its
 * spectrum against the Gaussian model, and in 2-D g and c(y) under the measured and the isotropic
 * noise. Plain JSON-able data; re-exported by diagnosticsTypes.ts (and so resultTypes.ts and
 * types.ts), so importers keep one path.
 */
import type { Sampling } from './types';

/**
 * The gradient noise of minibatch SGD, exactly over the data (gradientNoise.ts): at x*, the
 * covariance C = (n − B)/(B(n − 1))·Σ of one batch's mean gradient (Σ the population covariance
 * of the per-example gradients), and tr C along the sampled trials.
 */
export interface GradientNoise {
  /** The point of `covariance`: x*. */
  at: number[];
  /** B and sampling of the first minibatch stage (of the `sgd` method). */
  batchSize: number;
  sampling: Sampling;
  /** n. */
  examples: number;
  /** η of that stage. */
  lr: number;
  /** C(x*), d × d. */
  covariance: number[][];
  /** tr C(x*). */
  trace: number;
  /** η·√tr C(x*): the radius of the isotropic model with the same power. */
  equivalentRadius: number;
  /** η·√(tr C/d): σ per coordinate of the isotropic Gaussian N(0, σ²I) with the same trace as η²C. */
  isotropicSigma: number;
  /**
   * Against the isotropic model (d ≤ 64): C's eigenvalues (descending; all equal for isotropic
   * noise), its top eigenvector, and the Kolmogorov–Smirnov distance between the actual kicks
   * η(g_batch − ∇f) at x* along that vector (`kickSamples` uniform batches) and the Gaussian model
   * N(0, η²λ₁) along it (NaN when λ₁ = 0).
   */
  spectrum?: {
    eigenvalues: number[];
    principal: number[];
    kickSamples: number;
    ksDistance: number;
    /**
     * QQ plot of those kicks against the model: at p = (k + ½)/K for K = `QQ_POINTS`, the normal
     * quantile Φ⁻¹(p) and the kicks' empirical quantile, both in units of the model's standard
     * deviation η√λ₁ (on the line y = x when the kicks are Gaussian as modelled).
     */
    qq?: { normal: number[]; kicks: number[] };
  };
  /** 2-D: g and c(y) under the measured and the isotropic Gaussian noise side by side (noiseLandscapes.ts). */
  landscapes?: NoiseLandscapes;
  /** Any d: which noise model the minibatch trials followed (noiseModelTrials.ts). */
  modelTrials?: NoiseModelTrials;
  /** tr C(x_t) at each Figure 5 checkpoint over the sampled trials that did not diverge (NaN outside minibatch stages). */
  checkpoints: { steps: number[]; traceMean: number[]; traceMin: number[]; traceMax: number[]; trials: number };
}

/** g under one Gaussian kick law N(0, Σ) on the 2-D landscape grid, and its c(y) toward x*. */
export interface NoiseLandscape {
  /** Σ, the covariance of the x-space kick (2 × 2): η²C(x*), or (tr η²C / 2)·I. */
  covariance: number[][];
  /** g(y) = E f(y + z), z ~ N(0, Σ), on the grid as `Landscape.f` (values[iy][ix]). */
  values: number[][];
  /** c(y) = ⟨−∇g(y), x* − y⟩/‖x* − y‖² on the grid (at x*: λ_min(∇²g)). */
  convexity: number[][];
  /** inf c over the grid points in the init box, where, and the fraction of them with c > 0. */
  c: number;
  argInf: number[];
  positiveFraction: number;
}

/**
 * The measured minibatch noise against the isotropic model as landscapes (2-D): g under
 * N(0, η²C(x*)) and under N(0, σ²I) of the same trace, and where they disagree.
 */
export interface NoiseLandscapes {
  anisotropic: NoiseLandscape;
  isotropic: NoiseLandscape;
  disagreement: {
    /** max |g_aniso − g_iso| over the grid, at `at`. */
    maxAbs: number;
    at: number[];
    /** maxAbs over the range of g_aniso on the grid. */
    relative: number;
    /** Fraction of grid points where c(y) > 0 under one and not the other. */
    cSignDiffers: number;
  };
  /** Loss evaluations of the shared lattice. */
  evaluations: number;
}

/**
 * Which noise model the minibatch trials followed (any d): success against the run's targets
 * (success radius and rule as the methods') of the minibatch trials, and of the same stages from the
 * same starts with each Gaussian model's kicks instead of the batches (full gradient, seeded), with
 * those models' finals y_T (d numbers each; NaN for a diverged trial).
 */
export interface NoiseModelTrials {
  trials: number;
  minibatch: number;
  /** Kicks N(0, η²C(x*)). */
  anisotropic: number;
  /** Kicks N(0, σ²I), σ = `isotropicSigma` (the same trace). */
  isotropic: number;
  anisotropicFinals: number[][];
  isotropicFinals: number[][];
}
