/**
 * Logistic regression on a two-class toy set the file makes itself (seeded): 60 points in the
 * plane, two overlapping Gaussian clouds around (1, 0.5) (label +1) and (−1, −0.5) (label −1).
 * The weights w = (w₀, w₁) are the point, so the landscape is drawn directly; a small L2 penalty
 * keeps the minimum finite. Run it with minibatch noise (the file's defaults) and compare the
 * measured gradient noise with the paper's isotropic model in the panel's summary.
 */
import type { LossOptions } from './sgd-landscape';

/** One example: its features and its label ±1. */
export interface Labelled {
  x: [number, number];
  y: 1 | -1;
}

/** The toy set: a seeded generator (mulberry32) and Box–Muller normals, the same on every run. */
function makeClouds(): Labelled[] {
  let s = 2024;
  const rand = () => {
    s = (s + 0x6d2b79f5) | 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const out: Labelled[] = [];
  for (let i = 0; i < 60; i++) {
    const y = i % 2 === 0 ? 1 : -1;
    out.push({ x: [y * 1 + 0.9 * normal(), y * 0.5 + 0.9 * normal()], y });
  }
  return out;
}

/** L2 penalty λ/2·‖w‖² added to every example's loss (so to their mean). */
const LAMBDA = 0.05;

/** ℓ(w, e) = log(1 + exp(−y·w·x)) + λ/2·‖w‖², computed without overflow. */
export function logistic(w0: number, w1: number, e: Labelled): number {
  const m = e.y * (w0 * e.x[0] + w1 * e.x[1]);
  const loss = m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m));
  return loss + 0.5 * LAMBDA * (w0 * w0 + w1 * w1);
}

export const logisticOptions: LossOptions = {
  data: makeClouds,
  /** ∇_w ℓ = −y·x·σ(−y·w·x) + λw. */
  gradient: (w0: number, w1: number, e: Labelled) => {
    const m = e.y * (w0 * e.x[0] + w1 * e.x[1]);
    const s = 1 / (1 + Math.exp(m));
    return [-e.y * e.x[0] * s + LAMBDA * w0, -e.y * e.x[1] * s + LAMBDA * w1];
  },
  domain: { low: [-4, -4], high: [6, 6] },
  defaults: { lr: 0.5, steps: 400, trials: 100, noise: 'minibatch', batchSize: 6 },
};
