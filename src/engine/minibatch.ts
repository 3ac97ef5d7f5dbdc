/**
 * Minibatch SGD on a finite-sum loss (noise "minibatch"): each step x ← x − η·(1/B) Σ_{i∈batch}
 * ∇ℓ(x, eᵢ), with no added kick; the noise is the batch mean's departure from ∇f. In the paper's
 * terms ω_t = ∇f_batch(x_t) − ∇f(x_t), whose law depends on x (its covariance: gradientNoise.ts).
 *
 * Batches come from the trial's own seeded stream, so they are the same on any number of workers.
 * `uniform`: B distinct examples uniformly at random each step (a partial Fisher–Yates shuffle
 * of the trial's permutation: every B-subset equally likely). `shuffle`: a fresh random
 * permutation each epoch, walked in consecutive batches of B; the n mod B examples left at an
 * epoch's end are skipped in that epoch (every batch has B examples). B = n takes every example in
 * index order without drawing, so it is GD's gradient bit for bit.
 */
import { allIndices, batchGradient, type FiniteSum } from './finiteSum';
import type { Rng } from './rng';

/** A trial's batches: the permutation they are drawn from, and where the current epoch stands. */
export interface BatchSampler {
  readonly n: number;
  perm: Int32Array;
  /** 0 … n − 1 in order (the batch of B = n). */
  readonly all: Int32Array;
  /** Shuffle: where the next batch starts in `perm` (a new epoch when fewer than B are left). */
  pos: number;
  /** The last batch: indices[from … from + B). */
  batch: Int32Array;
  from: number;
}

export function newSampler(n: number): BatchSampler {
  const all = allIndices(n);
  return { n, perm: allIndices(n), all, pos: n, batch: all, from: 0 };
}

/** A trial starts from the identity permutation and a new epoch. */
export function resetSampler(s: BatchSampler): void {
  for (let i = 0; i < s.n; i++) s.perm[i] = i;
  s.pos = s.n;
}

/** Draws the next batch of B into `s.batch` / `s.from`. */
export function drawBatch(s: BatchSampler, B: number, shuffle: boolean, rng: Rng): void {
  const n = s.n;
  if (B >= n) {
    s.batch = s.all;
    s.from = 0;
    return;
  }
  const perm = s.perm;
  if (shuffle) {
    if (s.pos + B > n) {
      for (let i = n - 1; i > 0; i--) {
        const k = Math.floor(rng() * (i + 1));
        const t = perm[i];
        perm[i] = perm[k];
        perm[k] = t;
      }
      s.pos = 0;
    }
    s.batch = perm;
    s.from = s.pos;
    s.pos += B;
    return;
  }
  for (let j = 0; j < B; j++) {
    const k = j + Math.floor(rng() * (n - j));
    const t = perm[j];
    perm[j] = perm[k];
    perm[k] = t;
  }
  s.batch = perm;
  s.from = 0;
  // A shuffle stage after this one starts a new epoch (the permutation has moved).
  s.pos = n;
}

/** A minibatch stage as the kernel runs it. */
export interface MinibatchStage {
  fs: FiniteSum;
  sampler: BatchSampler;
  B: number;
  shuffle: boolean;
  /** One example's gradient (length d). */
  scratch: Float64Array;
  fdStep: number;
}

/** The part of sgd.ts's step state the minibatch kernel touches. */
export interface MinibatchKernelState {
  x: Float64Array;
  y: Float64Array;
  g: Float64Array;
  w: Float64Array;
  d: number;
  lr: number;
  rng: Rng;
  centre: Float64Array;
  runaway2: number;
  heartbeat: Int32Array | undefined;
  hbIndex: number;
  diverged: boolean;
}

/** The batch's mean gradient at `at` into `out`; false when it is not finite. */
export function minibatchGradient(mb: MinibatchStage, at: Float64Array, out: Float64Array): boolean {
  batchGradient(mb.fs, at, mb.sampler.batch, mb.sampler.from, mb.B, out, mb.scratch, mb.fdStep);
  for (let i = 0; i < out.length; i++) if (!Number.isFinite(out[i])) return false;
  return true;
}

/**
 * Up to n steps of x ← x − η·g_batch (y holds the new x, w is 0: the kernels' bookkeeping stays
 * that of sgd.ts). Returns the steps taken; on a non-finite batch gradient (step not taken) or a
 * runaway iterate (step taken) it sets `s.diverged` and stops.
 */
export function advanceMinibatch(s: MinibatchKernelState, mb: MinibatchStage, n: number): number {
  const { x, y, g, w, d, rng, centre, runaway2, heartbeat, hbIndex } = s;
  const lr = s.lr;
  for (let k = 0; k < n; k++) {
    if (heartbeat) heartbeat[hbIndex]++;
    drawBatch(mb.sampler, mb.B, mb.shuffle, rng);
    if (!minibatchGradient(mb, x, g)) {
      s.diverged = true;
      return k;
    }
    let far = 0;
    for (let i = 0; i < d; i++) {
      // As sgd.ts's kernels write it (y = x − ηg, x = y − w with w = 0), so B = n is GD exactly.
      const yi = x[i] - lr * g[i];
      w[i] = 0;
      const xi = yi - w[i];
      const off = xi - centre[i];
      far += off * off;
      y[i] = yi;
      x[i] = xi;
    }
    if (!(far <= runaway2)) {
      s.diverged = true;
      return k + 1;
    }
  }
  return n;
}
