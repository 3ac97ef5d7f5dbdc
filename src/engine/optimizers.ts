/**
 * The optimizers beside the paper's plain SGD (momentum, Nesterov, Adam, SAM), each fed the
 * paper's stochastic gradient ĝ_t = ∇f(x_t) + ω_t with ηω_t drawn from the stage's noise law,
 * and updating x as PyTorch defines it (the formulas: `Optimizer` in types.ts).
 *
 * Plain SGD never runs here: `sgd.ts` keeps its hand-specialised kernels for it, so the paper's
 * model keeps its speed and its numbers. This kernel is generic (any dimension, array losses)
 * and pays one indirect gradient call per step, which the extra arithmetic of these rules and
 * SAM's second gradient dwarf anyway.
 */
import { perturb } from './noise';
import type { Normal, Rng } from './rng';
import type { Optimizer } from './types';

/**
 * What an optimizer remembers between steps: Momentum's and Nesterov's v, Adam's m (in `v`), s
 * and step count t. It carries over from one stage to the next and is reset when a trial
 * starts or a stage restarts from its own init box.
 */
export interface OptimizerState {
  v: Float64Array;
  s: Float64Array;
  t: number;
}

export function newOptimizerState(d: number): OptimizerState {
  return { v: new Float64Array(d), s: new Float64Array(d), t: 0 };
}

export function resetOptimizerState(st: OptimizerState): void {
  st.v.fill(0);
  st.s.fill(0);
  st.t = 0;
}

/**
 * One update of x given the stochastic gradient ĝ (in `gh`), as PyTorch's optimizers compute it.
 * `sgd` and `sam` (whose ĝ already holds the gradient at the ascended point) are x ← x − ηĝ.
 */
export function applyUpdate(opt: Optimizer, st: OptimizerState, x: Float64Array, gh: Float64Array, lr: number): void {
  const d = x.length;
  const { v, s } = st;
  switch (opt.kind) {
    case 'sgd':
    case 'sam':
      for (let i = 0; i < d; i++) x[i] -= lr * gh[i];
      return;
    case 'momentum': {
      const b = opt.beta;
      for (let i = 0; i < d; i++) {
        v[i] = b * v[i] + gh[i];
        x[i] -= lr * v[i];
      }
      return;
    }
    case 'nesterov': {
      const b = opt.beta;
      for (let i = 0; i < d; i++) {
        v[i] = b * v[i] + gh[i];
        x[i] -= lr * (gh[i] + b * v[i]);
      }
      return;
    }
    case 'adam': {
      const { beta1, beta2, eps } = opt;
      st.t++;
      const c1 = 1 - Math.pow(beta1, st.t);
      const c2 = 1 - Math.pow(beta2, st.t);
      for (let i = 0; i < d; i++) {
        const gi = gh[i];
        v[i] = beta1 * v[i] + (1 - beta1) * gi;
        s[i] = beta2 * s[i] + (1 - beta2) * gi * gi;
        x[i] -= (lr * (v[i] / c1)) / (Math.sqrt(s[i] / c2) + eps);
      }
      return;
    }
  }
}

/** Everything the optimizer kernel touches (the counterpart of sgd.ts's StepState). */
export interface OptimizerStepState {
  opt: Optimizer;
  state: OptimizerState;
  /** The iterate (the worker's shared probe: SAM's ascended point is written here while its gradient is taken). */
  x: Float64Array;
  /** x before the last step taken (checkpoints read it; a runaway step to a non-finite x is undone from it). */
  prev: Float64Array;
  /** ∇f of the last step: at x, or at x + e for SAM. */
  g: Float64Array;
  /** ηω of the last step. */
  w: Float64Array;
  /** The stochastic gradient ĝ of the last step. */
  gh: Float64Array;
  d: number;
  lr: number;
  a: number;
  code: number;
  rng: Rng;
  normal: Normal;
  /** ∇f(x) into g (a minibatch stage: the batch's mean gradient); false when it is not finite (the trial diverges). */
  gradient(x: Float64Array, g: Float64Array): boolean;
  /** Called before each step's first gradient (a minibatch stage draws its batch here, so SAM's two gradients share it). */
  beginStep?: () => void;
  centre: Float64Array;
  runaway2: number;
  heartbeat: Int32Array | undefined;
  hbIndex: number;
  diverged: boolean;
}

/**
 * Up to n steps of the optimizer. Returns the steps taken; on a non-finite gradient (step not
 * taken) or a runaway iterate (step taken, x kept finite) it sets `s.diverged` and stops.
 */
export function advanceOptimizer(s: OptimizerStepState, n: number): number {
  const { opt, state, x, prev, g, w, gh, d, code, rng, normal, centre, runaway2, heartbeat, hbIndex } = s;
  const rho = opt.kind === 'sam' ? opt.rho : 0;
  for (let k = 0; k < n; k++) {
    if (heartbeat) heartbeat[hbIndex]++;
    const lr = s.lr;
    s.beginStep?.();
    if (!s.gradient(x, g)) {
      s.diverged = true;
      return k;
    }
    prev.set(x);
    if (rho > 0) {
      // SAM: the gradient at the ascended point x + ρ∇f(x)/‖∇f(x)‖ (x itself where ∇f(x) = 0).
      let n2 = 0;
      for (let i = 0; i < d; i++) n2 += g[i] * g[i];
      if (n2 > 0) {
        const scale = rho / Math.sqrt(n2);
        for (let i = 0; i < d; i++) x[i] = prev[i] + scale * g[i];
        const ok = s.gradient(x, g);
        x.set(prev);
        if (!ok) {
          s.diverged = true;
          return k;
        }
      }
    }
    // No noise: w is zero, as perturb would write it; nothing is drawn.
    if (code !== 0) perturb(code, s.a, d, rng, normal, w);
    else if (k === 0) w.fill(0);
    for (let i = 0; i < d; i++) gh[i] = g[i] + w[i] / lr;
    applyUpdate(opt, state, x, gh, lr);
    let far = 0;
    for (let i = 0; i < d; i++) {
      const off = x[i] - centre[i];
      far += off * off;
    }
    if (!(far <= runaway2)) {
      if (!Number.isFinite(far)) x.set(prev);
      s.diverged = true;
      return k + 1;
    }
  }
  return n;
}
