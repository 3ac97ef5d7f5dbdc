/** The smoothness constant L of the paper's Theorem 1, estimated on the init box. */
import type { Loss, RunConfig } from './types';
import { centralDifference } from './differences';
import { linspace } from './landscape';
import { Normal, stream, uniformInBox } from './rng';

/**
 * L ≈ max over the init box of the Hessian's spectral norm, by second differences: a fine grid in
 * 1-D (≥ 2001 points) and 2-D (resolution², at most 201²), and for d > 2 power iteration on
 * difference Hessian–vector products at 64 seeded points plus the box centre. It is a sample, so a
 * lower bound on the true L of a spiky loss.
 */
export function estimateSmoothness(loss: Loss, config: RunConfig): number {
  const d = config.dim;
  const { low, high } = config.init;
  const scale = (p: ArrayLike<number>) => {
    let m = 1;
    for (let j = 0; j < p.length; j++) m = Math.max(m, Math.abs(p[j]));
    return 1e-4 * m;
  };
  let L = 0;
  const p = new Float64Array(d);
  if (d === 1) {
    for (const x of linspace(low[0], high[0], Math.max(2001, config.resolution))) {
      const h = scale([x]);
      p[0] = x;
      const f0 = loss(p);
      p[0] = x + h;
      const fp = loss(p);
      p[0] = x - h;
      const fm = loss(p);
      // Where f is not finite there is no curvature to measure: such points are left out.
      const curv = Math.abs((fp - 2 * f0 + fm) / (h * h));
      if (Number.isFinite(curv)) L = Math.max(L, curv);
    }
    return L;
  }
  if (d === 2) {
    const n = Math.min(Math.max(config.resolution, 2), 201);
    const ys = linspace(low[1], high[1], n);
    for (const x of linspace(low[0], high[0], n)) {
      for (const y of ys) {
        const h = scale([x, y]);
        const f = (dx: number, dy: number) => {
          p[0] = x + dx;
          p[1] = y + dy;
          return loss(p);
        };
        const f0 = f(0, 0);
        const a = (f(h, 0) - 2 * f0 + f(-h, 0)) / (h * h);
        const c = (f(0, h) - 2 * f0 + f(0, -h)) / (h * h);
        const b = (f(h, h) - f(h, -h) - f(-h, h) + f(-h, -h)) / (4 * h * h);
        // Spectral norm of [[a, b], [b, c]]: the larger |eigenvalue|.
        const norm = Math.abs((a + c) / 2) + Math.hypot((a - c) / 2, b);
        if (Number.isFinite(norm)) L = Math.max(L, norm);
      }
    }
    return L;
  }
  const rng = stream(config.seed, 'smoothness');
  const normal = new Normal(rng);
  const points: Float64Array[] = [Float64Array.from(low, (l, j) => (l + high[j]) / 2)];
  for (let k = 0; k < 64; k++) points.push(uniformInBox(rng, low, high, new Float64Array(d)));
  const g1 = new Float64Array(d);
  const g2 = new Float64Array(d);
  const hv = new Float64Array(d);
  const vec = new Float64Array(d);
  for (const x of points) {
    const eps = scale(x) * 10;
    const hessVec = (v: Float64Array) => {
      for (let j = 0; j < d; j++) p[j] = x[j] + eps * v[j];
      centralDifference(loss, p, g1);
      for (let j = 0; j < d; j++) p[j] = x[j] - eps * v[j];
      centralDifference(loss, p, g2);
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
    if (Number.isFinite(norm)) L = Math.max(L, norm);
  }
  return L;
}
