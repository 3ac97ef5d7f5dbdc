/**
 * Types for the optional `<name>Options` export of a loss file. Copy this file next to your
 * own loss files (or import it from here) to get completion; it has no runtime code.
 */
export interface Box {
  low: number[];
  high: number[];
}

export type NoiseKind = 'uniform' | 'gaussian' | 'cube' | 'none' | 'minibatch';

export interface StageInput {
  /** Learning rate η. */
  lr?: number;
  /** x-space noise radius a = η·r (the paper's Figure 3 "noise"). */
  radius?: number;
  steps?: number;
  noise?: NoiseKind;
  /** Noise "minibatch" (finite-sum losses): examples per step, 1 … n. */
  batchSize?: number;
  /** Noise "minibatch": B distinct examples at random each step, or walk a fresh permutation each epoch. */
  sampling?: 'uniform' | 'shuffle';
  /** Restart trials uniformly in this box instead of continuing from the previous stage. */
  init?: Box;
  decay?:
    | { kind: 'constant' }
    | { kind: 'step'; every: number; factor: number }
    | { kind: 'exponential'; rate: number }
    | { kind: 'cosine'; minLr?: number }
    | { kind: 'inverse'; t0: number };
}

export interface LossOptions {
  /**
   * ∇f at the same arguments as f (k numbers, or one array). For a finite-sum loss: the gradient
   * of one example's loss, at the same arguments (the point, then the example).
   */
  gradient?: (...args: any[]) => number[] | Float64Array;
  /**
   * A finite-sum loss f(w) = (1/n) Σᵢ ℓ(w, eᵢ): the examples e₁ … eₙ, as an array or a function
   * returning one (called once in each worker). The exported function then takes the example as
   * its last parameter, after the point.
   */
  data?: readonly unknown[] | (() => readonly unknown[]);
  /** Where the landscape is drawn and trials may start. */
  domain?: Box;
  /** The target point x* for the one-point-convexity diagnostics. */
  xStar?: number[];
  /** Dimension, for a function of one array parameter. */
  dim?: number;
  /** Run settings that override the editor's settings for this function. */
  defaults?: {
    seed?: string | number;
    trials?: number;
    init?: Partial<Box>;
    stages?: StageInput[];
    lr?: number;
    radius?: number;
    steps?: number;
    noise?: NoiseKind;
    batchSize?: number;
    sampling?: 'uniform' | 'shuffle';
    resolution?: number;
    compareGd?: boolean;
  };
}
