/** The smoothness constant L of the paper's Theorem 1, estimated on the init box. */
import type { Gradient, Loss, RunConfig, Smoothness } from './types';
import { analyticGradient, centralDifference } from './differences';
import { linspace } from './landscape';
import { Normal, stream, uniformInBox } from './rng';

/**
 * L ≈ max over the init box of the Hessian's spectral norm, by second differences: a fine grid in
 * 1-D (≥ 2001 points) and 2-D (resolution², at most 201²; seven loss calls a point, or four calls
 * of an analytic gradient — the user's, or a finite sum's per-example gradients), and for d > 2 power iteration on
 * difference Hessian–vector products at 64 seeded points plus the box centre (differences of the
 * gradient `grad` when there is one: two gradient calls per product instead of 4d loss calls, which
 * for a finite sum with a per-example gradient is most of the diagnostics' time). It is a sample,
 * so a lower bound on the true L of a spiky loss.
 */
export function estimateSmoothness(loss: Loss, config: RunConfig, grad?: Gradient): number {
  return smoothnessEstimate(loss, config, grad).L;
}

/**
 * `estimateSmoothness` with where L is attained. When that is on the init box's boundary and the
 * second difference there grows as its step shrinks (×4 steps finer gives more than twice the
 * value: a jump in f′, e.g. the paper's Figure 3 spline meeting its continuation at x = ±3), L is
 * set by that kink, not by f's curvature: the largest value off the boundary is reported beside it.
 */
export function smoothnessEstimate(loss: Loss, config: RunConfig, grad?: Gradient): Smoothness {
  const d = config.dim;
  const { low, high } = config.init;
  const scale = (p: ArrayLike<number>) => {
    let m = 1;
    for (let j = 0; j < p.length; j++) m = Math.max(m, Math.abs(p[j]));
    return 1e-4 * m;
  };
  const p = new Float64Array(d);
  if (d === 1 || d === 2) {
    // 2-D with an analytic gradient: the Hessian from central differences of ∇f, four gradient
    // calls a point (for a finite sum with per-example gradients, 4n example gradients instead of
    // 7n example losses).
    const exact = d === 2 ? analyticGradient(loss, grad) : undefined;
    const gp = new Float64Array(2);
    const gm = new Float64Array(2);
    // Spectral norm of the difference Hessian at q with step h.
    const norm = (q: ArrayLike<number>, h: number): number => {
      if (exact) {
        const column = (j: number, out: number[]) => {
          p[0] = q[0];
          p[1] = q[1];
          p[j] = q[j] + h;
          exact(p, gp);
          p[j] = q[j] - h;
          exact(p, gm);
          out[0] = (gp[0] - gm[0]) / (2 * h);
          out[1] = (gp[1] - gm[1]) / (2 * h);
        };
        const h0 = [0, 0];
        const h1 = [0, 0];
        column(0, h0);
        column(1, h1);
        return spectralNorm2(h0[0], 0.5 * (h0[1] + h1[0]), h1[1]);
      }
      const f = (dx: number, dy: number) => {
        p[0] = q[0] + dx;
        if (d === 2) p[1] = q[1] + dy;
        return loss(p);
      };
      const f0 = f(0, 0);
      const fxp = f(h, 0);
      const fxm = f(-h, 0);
      const a = (fxp - 2 * f0 + fxm) / (h * h);
      if (d === 1) return Math.abs(a);
      const fyp = f(0, h);
      const fym = f(0, -h);
      const c = (fyp - 2 * f0 + fym) / (h * h);
      // The seven-point stencil: f(h, h) + f(−h, −h) − (the four axis points) + 2f(0) = 2h²·∂xy f
      // + O(h⁴), reusing the axis points (seven loss calls a point, not nine).
      const b = (f(h, h) + f(-h, -h) - fxp - fxm - fyp - fym + 2 * f0) / (2 * h * h);
      return spectralNorm2(a, b, c);
    };
    const n = d === 1 ? Math.max(2001, config.resolution) : Math.min(Math.max(config.resolution, 2), 201);
    const xs = linspace(low[0], high[0], n);
    const ys = d === 2 ? linspace(low[1], high[1], n) : [0];
    let L = 0;
    let at: number[] = [];
    let interior = 0;
    let interiorAt: number[] = [];
    const q = new Float64Array(d);
    for (let iy = 0; iy < ys.length; iy++) {
      for (let ix = 0; ix < n; ix++) {
        q[0] = xs[ix];
        if (d === 2) q[1] = ys[iy];
        const v = norm(q, scale(q));
        if (!Number.isFinite(v)) continue;
        if (v > L) {
          L = v;
          at = Array.from(q);
        }
        const onEdge = ix === 0 || ix === n - 1 || (d === 2 && (iy === 0 || iy === ys.length - 1));
        if (!onEdge && v > interior) {
          interior = v;
          interiorAt = Array.from(q);
        }
      }
    }
    const onBoundary = at.length === d && at.some((v, j) => v === low[j] || v === high[j]);
    const edgeKink = onBoundary && interior < L && norm(at, scale(at) / 4) > 2 * L;
    return edgeKink ? { L, at, edgeKink, interior, interiorAt } : { L, at, edgeKink: false };
  }
  const rng = stream(config.seed, 'smoothness');
  const normal = new Normal(rng);
  const points: Float64Array[] = [Float64Array.from(low, (l, j) => (l + high[j]) / 2)];
  for (let k = 0; k < 64; k++) points.push(uniformInBox(rng, low, high, new Float64Array(d)));
  const g1 = new Float64Array(d);
  const g2 = new Float64Array(d);
  const hv = new Float64Array(d);
  const vec = new Float64Array(d);
  let L = 0;
  let at: number[] = [];
  for (const x of points) {
    const eps = scale(x) * 10;
    const hessVec = (v: Float64Array) => {
      for (let j = 0; j < d; j++) p[j] = x[j] + eps * v[j];
      if (grad) grad(p, g1);
      else centralDifference(loss, p, g1);
      for (let j = 0; j < d; j++) p[j] = x[j] - eps * v[j];
      if (grad) grad(p, g2);
      else centralDifference(loss, p, g2);
      for (let j = 0; j < d; j++) hv[j] = (g1[j] - g2[j]) / (2 * eps);
    };
    for (let j = 0; j < d; j++) vec[j] = normal.next();
    let norm = 0;
    for (let it = 0; it < 30; it++) {
      const vn = Math.hypot(...vec);
      if (!(vn > 0)) break;
      for (let j = 0; j < d; j++) vec[j] /= vn;
      hessVec(vec);
      norm = Math.hypot(...hv);
      vec.set(hv);
    }
    if (Number.isFinite(norm) && norm > L) {
      L = norm;
      at = Array.from(x);
    }
  }
  return { L, at, edgeKink: false };
}

/** Spectral norm of the symmetric [[a, b], [b, c]]: the larger |eigenvalue|. */
function spectralNorm2(a: number, b: number, c: number): number {
  return Math.abs((a + c) / 2) + Math.hypot((a - c) / 2, b);
}
