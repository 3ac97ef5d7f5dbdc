/**
 * Types for the optional `<name>Options` export of a loss file. Copy this file next to your
 * own loss files (or import it from here) to get completion; it has no runtime code.
 */
export interface Box {
  low: number[];
  high: number[];
}

export type NoiseKind = 'uniform' | 'gaussian' | 'cube' | 'none';

export interface StageInput {
  /** Learning rate η. */
  lr?: number;
  /** x-space noise radius a = η·r (the paper's Figure 3 "noise"). */
  radius?: number;
  steps?: number;
  noise?: NoiseKind;
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
  /** ∇f at the same arguments as f (k numbers, or one array). */
  gradient?: (...args: any[]) => number[] | Float64Array;
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
    resolution?: number;
    compareGd?: boolean;
  };
}
