/**
 * The separable laws on the lattice (see `gridSmoothing.ts`): cube and Gaussian as two 1-D passes,
 * along x over every lattice row (a wide Gaussian as the cascade G_σ₂ ∘ G_σ₁), then along y.
 */
import { applyRow, cascadeAlongX, nonFiniteRule, planCascade, sampleLattice } from './latticeApply';
import { boxStencil, compile, gaussStencil, type Compiled, type Row } from './latticeStencils';
import type { GridSmoothing, SmoothingContext } from './gridSmoothing';

/** g and ∇g for the cube or Gaussian of the context's radius, into and as `c.result`. */
export function smoothSeparable(c: SmoothingContext): GridSmoothing {
  const { loss, xa, ya, radius, noise, opts, from, to, nx, mx, my, dx, dy, b, fRef, wantValues, wantGrad, progress, result } = c;
  // Separable laws: along x over every lattice row, then along y.
  const make = (a: number, kind: 'value' | 'dx', unit: number) =>
    noise === 'cube' ? boxStencil(b, a, kind, unit) : gaussStencil(b, a, kind, unit);
  // A wide Gaussian along x runs as two: σ₁ on the lattice, then σ₂ on every p-th column.
  const cascade = noise === 'gaussian' ? planCascade(b, radius / dx, nx, xa.n > 1 ? (nx - 1) * mx : 0) : undefined;
  const vx = compile(make(radius / dx, 'value', 1), 1, 1);
  const vy = compile(make(radius / dy, 'value', 1), 1, 1);
  const gx = wantGrad && !cascade ? compile(make(radius / dx, 'dx', dx), -1, 1) : undefined;
  const gy = wantGrad ? compile(make(radius / dy, 'dx', dy), -1, 1) : undefined;
  const Sx = cascade ? cascade.reach : Math.max(vx.S, gx?.S ?? 0);
  const Ty = Math.max(vy.S, gy?.S ?? 0);
  const lat = sampleLattice(
    loss,
    xa,
    ya,
    mx,
    my,
    from * my - Ty,
    (to - 1) * my + Ty,
    -Sx,
    (nx - 1) * mx + Sx,
    fRef,
    vx.rows[0].runHalf >= 0,
    progress ? (done, total) => progress((0.5 * done) / total) : undefined,
  );
  result.evaluations = lat.rows * lat.cols + 1;
  nonFiniteRule(lat, result, radius, noise, opts);
  // Pass 1 along x: A[r][i] = Σ_s vx(s) F[r][c_i + s] (and with ∂x's weights) for every lattice row.
  let A: Float64Array;
  let Ad: Float64Array | undefined;
  const passOne = progress
    ? (r: number, rows: number, part: number, parts: number) => progress(0.5 + (0.3 * (part + r / rows)) / parts)
    : undefined;
  if (cascade) {
    [A, Ad] = cascadeAlongX(lat, cascade, nx, wantGrad, dx, passOne ? (r, rows) => passOne(r, rows, 0, 1) : undefined);
  } else {
    const along = (row: Row, part: number, parts: number): Float64Array => {
      const out = new Float64Array(lat.rows * nx);
      for (let r = 0; r < lat.rows; r++) {
        applyRow(lat, r, -1, 1, row, mx, nx, out, r * nx);
        passOne?.(r + 1, lat.rows, part, parts);
      }
      return out;
    };
    A = along(vx.rows[0], 0, gx ? 2 : 1);
    Ad = gx ? along(gx.rows[0], 1, 2) : undefined;
  }
  // Pass 2 along y: the 1-D weights as taps over lattice rows, t and −t together.
  const passes = (wantValues ? 1 : 0) + (wantGrad ? 2 : 0);
  let passDone = 0;
  const pass2 = (src: Float64Array, st: Compiled, add: number): Float64Array => {
    const part = passDone++;
    const row = st.rows[0];
    const w = new Float64Array(2 * st.S + 1);
    w[st.S] = row.runHalf >= 0 ? row.run : row.w0;
    for (let k = 1; k <= row.runHalf; k++) w[st.S + k] = row.run;
    for (let k = 0; k < row.pairS.length; k++) w[st.S + row.pairS[k]] = row.pairW[k];
    const sign = row.sign;
    const out = new Float64Array((to - from) * nx);
    for (let iy = from; iy < to; iy++) {
      const off = (iy - from) * nx;
      const centre = (iy * my - lat.r0) * nx;
      if (w[st.S] !== 0) for (let i = 0; i < nx; i++) out[off + i] += w[st.S] * src[centre + i];
      for (let t = 1; t <= st.S; t++) {
        const wt = w[st.S + t];
        if (wt === 0) continue;
        const up = centre + t * nx;
        const dn = centre - t * nx;
        if (sign === 1) for (let i = 0; i < nx; i++) out[off + i] += wt * (src[up + i] + src[dn + i]);
        else for (let i = 0; i < nx; i++) out[off + i] += wt * (src[up + i] - src[dn + i]);
      }
      if (add !== 0) for (let i = 0; i < nx; i++) out[off + i] += add;
      progress?.(0.8 + (0.2 * (part + (iy + 1 - from) / (to - from))) / passes);
    }
    return out;
  };
  if (wantValues) result.values = pass2(A, vy, fRef);
  if (wantGrad && gy && Ad) {
    result.gradX = pass2(Ad, vy, 0);
    result.gradY = pass2(A, gy, 0);
  }
  return result;
}
