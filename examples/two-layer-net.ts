/**
 * A small two-layer network on XOR: 17 parameters (2 inputs → 4 tanh units → 1 output), 80
 * noisy XOR points made here (seeded), logistic loss. A finite-sum loss with its per-example
 * gradient written out (backpropagation by hand), so minibatch SGD runs at the speed of the
 * arithmetic. In 17 dimensions the panel draws the landscape on 1-D slices through the centre of
 * the domain and on a plane through x* (the top two eigenvectors of the minibatch noise there).
 *
 * x* is not given, so the engine finds it: a local minimum of f reached by descent (L-BFGS) from
 * the lowest final of the trials, checked by its Hessian. The hidden units are interchangeable
 * and tanh is odd, so every minimum comes in symmetric copies (4! · 2⁴ of them); success counts a
 * final near any minimum of the lowest value that descent from the finals reaches, and the
 * trials that end in a worse local minimum (a unit left misaligned) fail. Most paths run off the
 * plane (17-D): the panel says what share.
 *
 * Parameter layout: W1 (4 × 2, row by row) = w[0..7], b1 = w[8..11], W2 = w[12..15], b2 = w[16].
 */
import type { LossOptions } from './sgd-landscape';

/** One example: a point in the plane and its XOR label ±1. */
export interface XorPoint {
  x: [number, number];
  y: 1 | -1;
}

const HIDDEN = 4;
export const DIM = 2 * HIDDEN + HIDDEN + HIDDEN + 1;

/** 80 points near the four corners (±1, ±1), label +1 where the signs differ. */
function makeXor(): XorPoint[] {
  let s = 7;
  const rand = () => {
    s = (s + 0x6d2b79f5) | 0;
    let r = Math.imul(s ^ (s >>> 15), 1 | s);
    r = (r + Math.imul(r ^ (r >>> 7), 61 | r)) ^ r;
    return ((r ^ (r >>> 14)) >>> 0) / 4294967296;
  };
  const out: XorPoint[] = [];
  for (let i = 0; i < 80; i++) {
    const a = i % 2 === 0 ? 1 : -1;
    const b = i % 4 < 2 ? 1 : -1;
    out.push({ x: [a + 0.4 * (2 * rand() - 1), b + 0.4 * (2 * rand() - 1)], y: a * b < 0 ? 1 : -1 });
  }
  return out;
}

/** Hidden activations into h; returns the output z. */
function forward(w: readonly number[], e: XorPoint, h: number[]): number {
  let z = w[16];
  for (let j = 0; j < HIDDEN; j++) {
    h[j] = Math.tanh(w[2 * j] * e.x[0] + w[2 * j + 1] * e.x[1] + w[8 + j]);
    z += w[12 + j] * h[j];
  }
  return z;
}

const hidden = new Array<number>(HIDDEN).fill(0);

/** L2 penalty λ/2·‖w‖² on every example (so on their mean): it keeps the weights finite. */
const LAMBDA = 0.01;

/** ℓ(w, e) = log(1 + exp(−y·z(w, x))) + λ/2·‖w‖², computed without overflow. */
export function xorNet(w: number[], e: XorPoint): number {
  const m = e.y * forward(w, e, hidden);
  let w2 = 0;
  for (let i = 0; i < DIM; i++) w2 += w[i] * w[i];
  return (m > 0 ? Math.log1p(Math.exp(-m)) : -m + Math.log1p(Math.exp(m))) + 0.5 * LAMBDA * w2;
}

export const xorNetOptions: LossOptions = {
  dim: 17, // = DIM (a literal, so the CodeLens can show it without running the file)
  data: makeXor,
  /** ∇_w ℓ by backpropagation: dz = −y·σ(−y·z), then through W2 and tanh to W1 and b1; plus λw. */
  gradient: (w: number[], e: XorPoint) => {
    const h = new Array<number>(HIDDEN);
    const z = forward(w, e, h);
    const dz = -e.y / (1 + Math.exp(e.y * z));
    const g = new Array<number>(DIM);
    for (let j = 0; j < HIDDEN; j++) {
      const da = dz * w[12 + j] * (1 - h[j] * h[j]);
      g[2 * j] = da * e.x[0];
      g[2 * j + 1] = da * e.x[1];
      g[8 + j] = da;
      g[12 + j] = dz * h[j];
    }
    g[16] = dz;
    for (let i = 0; i < DIM; i++) g[i] += LAMBDA * w[i];
    return g;
  },
  domain: { low: new Array<number>(DIM).fill(-4), high: new Array<number>(DIM).fill(4) },
  defaults: {
    init: { low: new Array<number>(DIM).fill(-1), high: new Array<number>(DIM).fill(1) },
    lr: 0.3,
    steps: 1500,
    trials: 100,
    noise: 'minibatch',
    batchSize: 16,
  },
};
