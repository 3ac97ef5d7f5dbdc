/**
 * g(y) = E f(y + z) for 2-D Gaussian z ~ N(0, Σ) of any covariance (the measured minibatch noise
 * η²C(x*) is anisotropic), with ∇g, on a whole 2-D grid; several covariances that share one
 * eigenbasis (η²C and the isotropic σ²I of the same trace) share one set of f samples.
 *
 * Method. Σ = Q diag(λ₁, λ₂) Qᵀ (closed form for 2 × 2). In the rotated coordinates (a, b) along
 * Q's columns the Gaussian is separable: g = f ∗ (N(0, λ₁) ⊗ N(0, λ₂)). f is sampled once on a
 * lattice of spacing δ aligned with Q (through the grid's centre, reaching past the rotated grid by
 * 6.5σ plus the interpolant's nodes). Along each lattice axis the Gaussian is integrated exactly
 * against Pf, the piecewise Lagrange interpolant of degree 2q − 1 of the samples (q = 4; the same
 * cell interpolant as `gridSmoothing.ts`): weights W(s) = ∫ φ_σ(u) L_s(u) du, and for the derivative
 * W′(s) = ∫ φ_σ(u) L′_s(u) du / δ (the exact derivative of the smoothed interpolant; for σ = 0, a
 * direction without noise, W is the identity and W′ the interpolant's derivative at the node). Two
 * 1-D passes give g, ∂_a g and ∂_b g at the lattice nodes; the grid points, which are not lattice
 * nodes when Q is a rotation, take them by the same tensor interpolant, and ∇g = ∂_a g·q₁ + ∂_b g·q₂.
 *
 * Error. |g − ĝ| ≤ max|f − Pf| over the kernel's support + max|g − P g| at the grid points, each
 * ≤ (1 + Λ)²·C_q·δ^{2q}·(|∂_a^{2q}·| + |∂_b^{2q}·|) with C_4 = 1.07e-3 and Λ = 1.49 (see
 * `gridSmoothing.ts`): a polynomial of degree ≤ 2q − 1 in (a, b) is reproduced exactly, so for a
 * quadratic f the result is E f(x + z) = f(x) + ½ tr(HΣ) to rounding (and the 6.5σ cut, whose mass
 * 8e-11 is renormalised away: a relative 1e-9 of the ½ tr(HΣ) term). A sample where f is not finite
 * makes NaN every value whose stencil touches it.
 */
import type { Loss } from './types';
import type { GridAxis } from './gridSmoothing';
import { GAUSS_REACH, GL12, cardinals, cellBasis, forEachGL, type CellBasis } from './latticeStencils';

/** One smoothed landscape on the grid, row-major: values[iy·nx + ix]. */
export interface GaussianSmoothing {
  values: Float64Array;
  gradX: Float64Array;
  gradY: Float64Array;
}

export interface GaussianSmoothings {
  /** One per covariance, in the order given. */
  maps: GaussianSmoothing[];
  /** The shared eigenbasis: unit vectors q₁, q₂ (the lattice axes). */
  axes: [number[], number[]];
  /** Lattice spacing and the number of loss evaluations it took. */
  delta: number;
  evaluations: number;
}

/** Eigenvalues (descending) and unit eigenvectors of a symmetric 2 × 2 matrix, in closed form. */
export function eigen2(m: readonly (readonly number[])[]): { values: [number, number]; vectors: [number[], number[]] } {
  const a = m[0][0];
  const b = 0.5 * (m[0][1] + m[1][0]);
  const c = m[1][1];
  const theta = 0.5 * Math.atan2(2 * b, a - c);
  const q1 = [Math.cos(theta), Math.sin(theta)];
  const q2 = [-Math.sin(theta), Math.cos(theta)];
  const quad = (q: number[]) => a * q[0] * q[0] + 2 * b * q[0] * q[1] + c * q[1] * q[1];
  return { values: [quad(q1), quad(q2)], vectors: [q1, q2] };
}

/** ℓ′_j(τ) for the nodes −q+1 … q (index j), τ the position in the cell. */
function cardinalDerivatives(b: CellBasis, tau: number, out: Float64Array): void {
  const n = 2 * b.q;
  for (let j = 0; j < n; j++) {
    let s = 0;
    for (let k = 0; k < n; k++) {
      if (k === j) continue;
      let p = 1;
      for (let i = 0; i < n; i++) if (i !== j && i !== k) p *= tau - (i - b.q + 1);
      s += p;
    }
    out[j] = s / b.denom[j];
  }
}

/** A 1-D stencil over nodes −S … S: value and derivative weights (the latter per lattice unit). */
interface Stencil1D {
  S: number;
  w: Float64Array;
  dw: Float64Array;
}

/**
 * W(s) = ∫ φ_σ(u) L_s(u) du and W′(s) = ∫ φ_σ(u) L′_s(u) du, σ in lattice units, by Gauss–Legendre
 * on panels no wider than σ/2 inside each cell (where the integrand is smooth), cut at 6.5σ and
 * renormalised to mass 1. σ = 0 (or below 1e-4): the node itself, and the mean of the two one-sided
 * derivatives there.
 */
export function gaussianStencil1D(b: CellBasis, sigma: number): Stencil1D {
  const q = b.q;
  const n = 2 * q;
  const card = new Float64Array(n);
  const dcard = new Float64Array(n);
  // Below 1e-4 of a lattice step the kernel changes g by at most ½σ²|f″| ≤ 5e-9·δ²|f″|, far under
  // the interpolant's own error: taken as 0 (its panels would be σ/2 wide: 10⁴ per cell and more).
  if (!(sigma >= 1e-4)) {
    const S = q;
    const w = new Float64Array(2 * S + 1);
    const dw = new Float64Array(2 * S + 1);
    w[S] = 1;
    // Cell [0, 1] at τ = 0 and cell [−1, 0] at τ = 1.
    cardinalDerivatives(b, 0, dcard);
    for (let j = 0; j < n; j++) dw[S - q + 1 + j] += 0.5 * dcard[j];
    cardinalDerivatives(b, 1, dcard);
    for (let j = 0; j < n; j++) dw[S - 1 - q + 1 + j] += 0.5 * dcard[j];
    return { S, w, dw };
  }
  const R = GAUSS_REACH * sigma;
  const S = Math.ceil(R) + q;
  const w = new Float64Array(2 * S + 1);
  const dw = new Float64Array(2 * S + 1);
  const panels = Math.max(1, Math.ceil(2 / sigma));
  let mass = 0;
  for (let k = Math.floor(-R); k <= Math.ceil(R) - 1; k++) {
    const lo = Math.max(k, -R);
    const hi = Math.min(k + 1, R);
    if (!(hi > lo)) continue;
    for (let p = 0; p < panels; p++) {
      forEachGL(GL12, lo + ((hi - lo) * p) / panels, lo + ((hi - lo) * (p + 1)) / panels, (u, gw) => {
        const wd = gw * Math.exp(-0.5 * (u / sigma) ** 2);
        mass += wd;
        cardinals(b, u - k, card);
        cardinalDerivatives(b, u - k, dcard);
        for (let j = 0; j < n; j++) {
          w[S + k - q + 1 + j] += wd * card[j];
          dw[S + k - q + 1 + j] += wd * dcard[j];
        }
      });
    }
  }
  for (let i = 0; i < w.length; i++) {
    w[i] /= mass;
    dw[i] /= mass;
  }
  return { S, w, dw };
}

/**
 * Lattice points per grid step by default. The Gaussian is integrated exactly against the
 * interpolant whatever σ (no aliasing to avoid, unlike point sums), so the lattice only has to
 * resolve f itself: at δ = h/2 the degree-7 interpolant's error on a mode of period p grid steps is
 * about C_4·(π/p)^8 of its amplitude: 1.5e-3 at p = 3, 6e-6 at p = 6, 1e-7 at p = 10 (the grid
 * itself shows nothing finer). Each lattice point costs n example evaluations.
 */
export const DEFAULT_REFINE = 2;

export interface GaussianGridOptions {
  /** Lattice points per grid step (default `DEFAULT_REFINE`). */
  refine?: number;
  /** Interpolation nodes per axis and cell, 2q (default 8). */
  order?: number;
  /** The fraction of the work done (0 … 1), after every lattice row sampled and every pass: progress, heartbeat, cancel by throwing. */
  onProgress?(fraction: number): void;
}

/**
 * g and ∇g on the grid xa × ya for each covariance (x units, 2 × 2, symmetric positive
 * semi-definite), all diagonal in the eigenbasis of the first (else a RangeError). See the module
 * comment for the method and its error bound.
 */
export function smoothGridGaussians(
  loss: Loss,
  xa: GridAxis,
  ya: GridAxis,
  covariances: readonly (readonly (readonly number[])[])[],
  opts: GaussianGridOptions = {},
): GaussianSmoothings {
  if (covariances.length === 0) throw new RangeError('no covariance to smooth with');
  for (const ax of [xa, ya])
    if (!Number.isInteger(ax.n) || ax.n < 1 || !(Number.isFinite(ax.lo) && Number.isFinite(ax.hi) && ax.hi >= ax.lo))
      throw new RangeError(`grid axis [${ax.lo}, ${ax.hi}] with ${ax.n} points is not a grid`);
  const { vectors } = eigen2(covariances[0]);
  const [q1, q2] = vectors;
  // Per covariance, its standard deviation along each lattice axis (x units).
  const sds = covariances.map((m, k) => {
    if (!m.every((r) => r.length === 2 && r.every(Number.isFinite)) || m.length !== 2)
      throw new RangeError(`covariance ${k} is not a finite 2 × 2 matrix`);
    const quad = (u: number[], v: number[]) =>
      m[0][0] * u[0] * v[0] + m[0][1] * u[0] * v[1] + m[1][0] * u[1] * v[0] + m[1][1] * u[1] * v[1];
    const l1 = quad(q1, q1);
    const l2 = quad(q2, q2);
    const scale = Math.abs(m[0][0]) + Math.abs(m[1][1]) || 1;
    if (Math.abs(quad(q1, q2)) > 1e-9 * scale) throw new RangeError(`covariance ${k} is not diagonal in the first one's eigenbasis`);
    if (l1 < -1e-12 * scale || l2 < -1e-12 * scale) throw new RangeError(`covariance ${k} is not positive semi-definite`);
    return [Math.sqrt(Math.max(0, l1)), Math.sqrt(Math.max(0, l2))];
  });
  const hx = xa.n > 1 ? (xa.hi - xa.lo) / (xa.n - 1) : 0;
  const hy = ya.n > 1 ? (ya.hi - ya.lo) / (ya.n - 1) : 0;
  const sMax = Math.max(...sds.flat());
  const h = Math.min(...[hx, hy].filter((v) => v > 0), Infinity);
  const hStep = Number.isFinite(h) ? h : sMax || 1;
  const m = opts.refine ?? DEFAULT_REFINE;
  if (!Number.isInteger(m) || m < 1) throw new RangeError(`lattice refinement must be a positive integer, got ${m}`);
  const delta = hStep / m;
  const b = cellBasis(opts.order ?? 8);
  const q = b.q;
  const stencils = sds.map(([sa, sb]) => [gaussianStencil1D(b, sa / delta), gaussianStencil1D(b, sb / delta)] as const);
  const SA = Math.max(...stencils.map(([a]) => a.S));
  const SB = Math.max(...stencils.map(([, s]) => s.S));

  // The lattice: o + iδq₁ + jδq₂, o the grid's centre.
  const ox = 0.5 * (xa.lo + xa.hi);
  const oy = 0.5 * (ya.lo + ya.hi);
  let aMin = Infinity;
  let aMax = -Infinity;
  let bMin = Infinity;
  let bMax = -Infinity;
  for (const x of [xa.lo, xa.hi])
    for (const y of [ya.lo, ya.hi]) {
      const a = (q1[0] * (x - ox) + q1[1] * (y - oy)) / delta;
      const bb = (q2[0] * (x - ox) + q2[1] * (y - oy)) / delta;
      aMin = Math.min(aMin, a);
      aMax = Math.max(aMax, a);
      bMin = Math.min(bMin, bb);
      bMax = Math.max(bMax, bb);
    }
  // Nodes the interpolation to the grid reads, then the smoothing's reach beyond them.
  const iLo = Math.floor(aMin) - q;
  const iHi = Math.ceil(aMax) + q;
  const jLo = Math.floor(bMin) - q;
  const jHi = Math.ceil(bMax) + q;
  const I0 = iLo - SA;
  const NI = iHi + SA - I0 + 1;
  const J0 = jLo - SB;
  const NJ = jHi + SB - J0 + 1;
  const fRef = loss(Float64Array.of(ox, oy));
  const F = new Float64Array(NI * NJ);
  const p = new Float64Array(2);
  const progress = opts.onProgress;
  for (let i = 0; i < NI; i++) {
    const a = (I0 + i) * delta;
    for (let j = 0; j < NJ; j++) {
      const bb = (J0 + j) * delta;
      p[0] = ox + a * q1[0] + bb * q2[0];
      p[1] = oy + a * q1[1] + bb * q2[1];
      F[i * NJ + j] = loss(p) - fRef;
    }
    progress?.((0.6 * (i + 1)) / NI);
  }

  // Pass along a (over i) then along b (over j), onto the interpolation window [iLo, iHi] × [jLo, jHi].
  const WI = iHi - iLo + 1;
  const WJ = jHi - jLo + 1;
  const passA = (w: Float64Array, S: number): Float64Array => {
    const out = new Float64Array(WI * NJ);
    for (let i = 0; i < WI; i++) {
      const ci = iLo + i - I0;
      const o = i * NJ;
      for (let s = -S; s <= S; s++) {
        const ws = w[s + S];
        if (ws === 0) continue;
        const src = (ci + s) * NJ;
        for (let j = 0; j < NJ; j++) out[o + j] += ws * F[src + j];
      }
    }
    return out;
  };
  const passB = (src: Float64Array, w: Float64Array, S: number): Float64Array => {
    const out = new Float64Array(WI * WJ);
    for (let i = 0; i < WI; i++) {
      for (let j = 0; j < WJ; j++) {
        const cj = i * NJ + (jLo + j - J0);
        let acc = 0;
        for (let t = -S; t <= S; t++) {
          const wt = w[t + S];
          if (wt !== 0) acc += wt * src[cj + t];
        }
        out[i * WJ + j] = acc;
      }
    }
    return out;
  };

  // The grid points' cells and cardinals (shared by every covariance).
  const nx = xa.n;
  const ny = ya.n;
  const N = nx * ny;
  const cellI = new Int32Array(N);
  const cellJ = new Int32Array(N);
  const ca = new Float64Array(N * 2 * q);
  const cb = new Float64Array(N * 2 * q);
  const tmp = new Float64Array(2 * q);
  for (let iy = 0; iy < ny; iy++) {
    const y = ny > 1 ? ya.lo + ((ya.hi - ya.lo) * iy) / (ny - 1) : ya.lo;
    for (let ix = 0; ix < nx; ix++) {
      const x = nx > 1 ? xa.lo + ((xa.hi - xa.lo) * ix) / (nx - 1) : xa.lo;
      const k = iy * nx + ix;
      const a = (q1[0] * (x - ox) + q1[1] * (y - oy)) / delta;
      const bb = (q2[0] * (x - ox) + q2[1] * (y - oy)) / delta;
      const ka = Math.min(Math.max(Math.floor(a), iLo + q - 1), iHi - q);
      const kb = Math.min(Math.max(Math.floor(bb), jLo + q - 1), jHi - q);
      cellI[k] = ka - q + 1 - iLo;
      cellJ[k] = kb - q + 1 - jLo;
      cardinals(b, a - ka, tmp);
      ca.set(tmp, k * 2 * q);
      cardinals(b, bb - kb, tmp);
      cb.set(tmp, k * 2 * q);
    }
  }
  const toGrid = (G: Float64Array, add: number): Float64Array => {
    const out = new Float64Array(N);
    const n2 = 2 * q;
    for (let k = 0; k < N; k++) {
      let acc = 0;
      const i0 = cellI[k];
      const j0 = cellJ[k];
      for (let u = 0; u < n2; u++) {
        const wu = ca[k * n2 + u];
        const row = (i0 + u) * WJ + j0;
        let r = 0;
        for (let v = 0; v < n2; v++) r += cb[k * n2 + v] * G[row + v];
        acc += wu * r;
      }
      out[k] = acc + add;
    }
    return out;
  };

  const maps = stencils.map(([sa, sb], c) => {
    const A = passA(sa.w, sa.S);
    const Ad = passA(sa.dw, sa.S);
    const g = toGrid(passB(A, sb.w, sb.S), fRef);
    const ga = toGrid(passB(Ad, sb.w, sb.S), 0);
    const gb = toGrid(passB(A, sb.dw, sb.S), 0);
    const gradX = new Float64Array(N);
    const gradY = new Float64Array(N);
    for (let k = 0; k < N; k++) {
      gradX[k] = (ga[k] * q1[0] + gb[k] * q2[0]) / delta;
      gradY[k] = (ga[k] * q1[1] + gb[k] * q2[1]) / delta;
    }
    progress?.(0.6 + (0.4 * (c + 1)) / stencils.length);
    return { values: g, gradX, gradY };
  });
  return { maps, axes: [q1, q2], delta, evaluations: NI * NJ + 1 };
}
