/**
 * The smoothed loss g(y) = E f(y − ηω) and its gradient on a whole 2-D grid, for any noise law and
 * any radius, by product integration on a fine lattice.
 *
 * Method. f is sampled once on a lattice of spacing δ = h/m per axis (h the grid step), aligned so
 * that every grid point is a lattice point and extended by the kernel's reach. Between lattice
 * points f is replaced by Pf, its piecewise tensor Lagrange interpolant of degree 2q − 1 (on each
 * cell the 2q nearest lattice nodes per axis; q = 4 by default). Then g_P(y) = E Pf(y − ηω) is
 * computed exactly, to rounding: g_P(y) = Σ_{s,t} W(s,t) f(y + (sδx, tδy)), with weights
 * W(s,t) = ∫ K(u, v) L_s(u) L_t(v) du dv of the noise density K against the lattice cardinal
 * functions, integrated once per (law, radius, lattice) by Gauss–Legendre on the pieces where the
 * integrand is smooth (for the disk, in θ with v = a sin θ, split where a sin θ or a cos θ crosses
 * a lattice line). Every grid point sits at the same place relative to the lattice, so one stencil
 * serves all of them, and neighbouring grid points share their f samples: a wide kernel costs
 * lattice evaluations, not evaluations per point. ∇g is the exact gradient of g_P, by the same
 * identities as `smoothing.ts` (disk: the boundary circle; cube: the faces; Gaussian: Stein's
 * identity), each a stencil of its own.
 *
 * Applying a stencil. The disk, directly: a row is a chord, i.e. one constant weight over a run of
 * lattice nodes (two prefix-sum reads) plus taps near its ends; rows t and −t share weights and are
 * folded first. The lattice is sampled row by row into a ring of the 2T + 1 rows one output row
 * reads, and g and ∇g of that row are summed before the next rows are sampled (`latticeDisk.ts`
 * `directByRows`: the numbers of the whole lattice, bit for bit, in a fraction of its memory). That costs the kernel's perimeter in lattice units per grid point, so a wide disk
 * goes by FFT instead (`latticeFft.ts`: one transform of the whole grid's lattice serves g and ∇g,
 * cost O(N log N) whatever the radius), chosen for the whole grid when its work is smaller
 * (`fftPays`) and its rounding bound, 3ε·log₂N·‖F‖₂‖W‖₂, is below 1e-10 of f's spread on the grid;
 * both give the same g_P to rounding (≈ 1e-12 of range, tested). Row blocks give the same numbers
 * bit for bit either way. Cube and Gaussian are separable and run as two 1-D passes (along x over
 * every lattice row, then along y); a wide Gaussian runs its x pass as a cascade G_σ₂ ∘ G_σ₁ (see
 * `planCascade`). Files: this one (the entry and its checks), `latticeStencils.ts` (the cell
 * interpolant and the weights of the window and the Gaussian), `latticeDisk.ts` (the disk's weights
 * and its choice of direct sums or FFT), `latticeSeparable.ts` (the cube's and Gaussian's two
 * passes), `latticeApply.ts` (the lattice of f samples, the non-finite rule, direct sums, the
 * cascade), `latticeFft.ts` with `fft.ts` (the FFT path).
 *
 * Error bound. g − g_P = E (f − Pf)(y − ηω), so
 *   |g − g_P| ≤ max |f − Pf| over the kernel's support ≤ (1 + Λ)·C_q·max(δx^{2q}|∂x^{2q} f|, δy^{2q}|∂y^{2q} f|),
 * with C_q = max_τ |Π_j (τ − j)| / (2q)! over the cell (C_4 = 43.07/8! = 1.07e-3) and Λ = 1.49 the
 * Lebesgue constant of the cell interpolant (q = 4). That bound ignores cancellation; for a Fourier
 * mode e^{ik·x} the error is about C_q (|k|δ)^{2q} times |K̂(k)| (the ripple the kernel lets through,
 * i.e. relative to g's own range) plus δ/(πa) from the edges of a disk or cube. For the Gaussian,
 * δ ≤ h/2 keeps every mode of period ≥ h from aliasing onto one the kernel passes. At a kink of slope
 * jump J, |f − Pf| ≤ J·δ only within q cells of it, so g is off by at most J·δ times the kernel mass
 * there. With the default m (`latticeRefinement`), measured on the default 201 × 201 grid over
 * [−5.12, 5.12]² (test/unit/gridSmoothing.test.ts; `npm run bench` prints it for the default run):
 * cos(80x) (period 1.53 grid steps) under disk, cube and Gaussian within 6e-5 of g's range at
 * a = 0.3 and 4e-4 at a = 2; Rastrigin within 1e-9 of range for any law and radius up to the
 * half-width; |x| + |y| and ‖x‖ within 1e-4 of range.
 *
 * The lattice reaches radius a (disk, cube) or 6.5σ (Gaussian; the mass beyond is 8e-11, the
 * weights are renormalised to sum 1) past the grid. f(grid centre) is subtracted from every sample
 * and added back, so a large constant in f costs no digits. A sample where f is NaN or ±Infinity
 * is an error naming it (`NonFiniteSampleError`), or with `nonFinite: 'gaps'` (the landscape's rule)
 * makes NaN exactly the grid values whose stencil touches it, and is counted in the result.
 */
import type { Gradient, Loss, NoiseKind } from './types';
import type { LatticeNonFinite } from './latticeApply';
import { centralDifference } from './differences';
import { diskUsesFft, smoothDisk } from './latticeDisk';
import { smoothSeparable } from './latticeSeparable';
import { cellBasis, type CellBasis } from './latticeStencils';

export { GAUSS_REACH } from './latticeStencils';
export { NonFiniteSampleError } from './latticeApply';

/** Grid points linspace(lo, hi, n) along one axis. */
export interface GridAxis {
  lo: number;
  hi: number;
  n: number;
}

export interface GridSmoothingOptions {
  /** First grid row (along y) to compute. Default 0. */
  rowFrom?: number;
  /** One past the last row. Default: all. */
  rowTo?: number;
  /** Compute g (default true). */
  values?: boolean;
  /** Compute ∇g (default false). */
  gradient?: boolean;
  /**
   * Radius 0 only: ∇f by this gradient instead of central differences of the loss (the user's, or
   * a finite sum's per-example gradients: `analyticGradient`).
   */
  exactGradient?: Gradient;
  /** Lattice points per grid step (m); default `latticeRefinement`. */
  refine?: number;
  /** Interpolation nodes per axis and cell, 2q (even, 2–10); default 8 (q = 4). */
  order?: number;
  /**
   * Disk only: how the stencil is applied — `fft` (one FFT of the lattice for all stencils),
   * `direct` (sums over each grid point's stencil), or `auto` (default): the FFT when its work is
   * smaller and its rounding bound is below 1e-10 of f's spread, else direct.
   */
  method?: 'auto' | 'fft' | 'direct';
  /**
   * What a lattice sample where f is NaN or ±Infinity does: `error` (default) throws a
   * `NonFiniteSampleError` naming the first such point, its value and how many there are;
   * `gaps` makes every grid value whose stencil touches one NaN and reports them in
   * `GridSmoothing.nonFinite`.
   */
  nonFinite?: 'error' | 'gaps';
  /**
   * Called with the fraction of the work done (0 … 1), after every lattice row of f and every row
   * of output: for progress, a heartbeat, and cancel by throwing.
   */
  onProgress?(fraction: number): void;
}

export interface GridSmoothing {
  /** Rows [rowFrom, rowTo) × n_x, row-major: values[(iy − rowFrom)·n_x + ix]. */
  values?: Float64Array;
  gradX?: Float64Array;
  gradY?: Float64Array;
  /** Lattice spacing per axis and the number of loss evaluations it took. */
  dx: number;
  dy: number;
  evaluations: number;
  /** How the disk's stencils were applied (absent for the separable laws and f itself). */
  method?: 'fft' | 'direct';
  /** With `nonFinite: 'gaps'`: the lattice samples where f was not finite, and the first one. */
  nonFinite?: LatticeNonFinite;
}

/** What `smoothGrid` has settled before a law's own module takes over. */
export interface SmoothingContext {
  loss: Loss;
  xa: GridAxis;
  ya: GridAxis;
  radius: number;
  noise: NoiseKind;
  opts: GridSmoothingOptions;
  /** Grid rows [from, to) wanted; nx grid columns. */
  from: number;
  to: number;
  nx: number;
  /** Lattice points per grid step and the lattice spacing, per axis. */
  mx: number;
  my: number;
  dx: number;
  dy: number;
  b: CellBasis;
  /** f at the grid centre, subtracted from every sample and added back to g. */
  fRef: number;
  wantValues: boolean;
  wantGrad: boolean;
  progress?: (fraction: number) => void;
  result: GridSmoothing;
}

/**
 * Default lattice points per grid step m. For a disk or cube the error on a mode of wavenumber k
 * is about C_q (kδ)^{2q} of the ripple the kernel passes, whatever the radius: m = 4 keeps modes of
 * period 1.5h within ~3e-4 of g's range, m = 5 within 6e-5. Narrow kernels (a ≤ 16h), where it is
 * cheap, get 5; wider ones 4, as their work grows with a/δ. The Gaussian has no edge and only
 * must not alias: m = 2 once σ ≥ 2h, finer below (m = ⌈2h/σ⌉, at most 5).
 */
export function latticeRefinement(noise: NoiseKind, radius: number, h: number): number {
  if (!(h > 0) || !(radius > 0)) return 1;
  const r = radius / h;
  if (noise === 'gaussian') return Math.min(5, Math.max(2, Math.ceil(2 / r)));
  return r <= 16 ? 5 : 4;
}

/**
 * g (and ∇g) on the grid xa × ya, rows [rowFrom, rowTo) along y, for the x-space radius `radius`
 * of `noise` (uniform: disk radius; cube: half-width; gaussian: σ). radius 0 or 'none' gives f.
 * See the module comment for the method and its error bound.
 */
export function smoothGrid(
  loss: Loss,
  xa: GridAxis,
  ya: GridAxis,
  radius: number,
  noise: NoiseKind,
  opts: GridSmoothingOptions = {},
): GridSmoothing {
  for (const [name, ax] of [
    ['x', xa],
    ['y', ya],
  ] as const) {
    if (!Number.isInteger(ax.n) || ax.n < 1)
      throw new RangeError(`grid ${name} axis needs a positive integer number of points, got ${ax.n}`);
    if (!(Number.isFinite(ax.lo) && Number.isFinite(ax.hi) && ax.hi >= ax.lo))
      throw new RangeError(`grid ${name} axis [${ax.lo}, ${ax.hi}] is not a finite interval`);
  }
  if (!(radius >= 0) || !Number.isFinite(radius)) throw new RangeError(`smoothing radius must be finite and ≥ 0, got ${radius}`);
  const from = opts.rowFrom ?? 0;
  const to = opts.rowTo ?? ya.n;
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= ya.n)) {
    throw new RangeError(`row range [${from}, ${to}) is not inside [0, ${ya.n})`);
  }
  const wantValues = opts.values ?? true;
  const wantGrad = opts.gradient ?? false;
  const nx = xa.n;
  if (noise === 'none' || radius === 0) return plain(loss, xa, ya, from, to, wantValues, wantGrad, opts.exactGradient);
  // A one-point axis has no grid step: the radius stands in for it.
  const hx = axisStep(xa) || radius;
  const hy = axisStep(ya) || radius;
  const mx = opts.refine ?? latticeRefinement(noise, radius, hx);
  const my = opts.refine ?? latticeRefinement(noise, radius, hy);
  if (!Number.isInteger(mx) || mx < 1) throw new RangeError(`lattice refinement must be a positive integer, got ${mx}`);
  const b = cellBasis(opts.order ?? 8);
  const dx = hx / mx;
  const dy = hy / my;
  const result: GridSmoothing = { dx, dy, evaluations: 0 };
  const progress = opts.onProgress;
  if (to === from) {
    if (wantValues) result.values = new Float64Array(0);
    if (wantGrad) {
      result.gradX = new Float64Array(0);
      result.gradY = new Float64Array(0);
    }
    return result;
  }
  // The reference value f(grid centre) is subtracted from every sample (prefix sums of a large
  // constant would lose its digits) and added back; it is the same for every row block.
  let fRef = loss(Float64Array.of(gridCoordinate(xa, (nx - 1) >> 1), gridCoordinate(ya, (ya.n - 1) >> 1)));
  if (!Number.isFinite(fRef)) fRef = 0;

  const c: SmoothingContext = {
    loss,
    xa,
    ya,
    radius,
    noise,
    opts,
    from,
    to,
    nx,
    mx,
    my,
    dx,
    dy,
    b,
    fRef,
    wantValues,
    wantGrad,
    progress,
    result,
  };
  return noise === 'uniform' ? smoothDisk(c) : smoothSeparable(c);
}

/**
 * Whether `smoothGrid` of g alone (`what` 'value', no ∇g) or of ∇g alone ('gradient') under the
 * uniform disk of `radius` takes the FFT path on this grid, which samples f on the whole grid's
 * lattice for any row block: then cutting the grid into row blocks repeats that work in every
 * block. Costs the stencils, no evaluation of f.
 */
export function gridDiskUsesFft(
  xa: GridAxis,
  ya: GridAxis,
  radius: number,
  opts: Pick<GridSmoothingOptions, 'refine' | 'order' | 'method'> = {},
  what: 'value' | 'gradient' = 'value',
): boolean {
  if (!(radius > 0) || !Number.isFinite(radius)) return false;
  const hx = axisStep(xa) || radius;
  const hy = axisStep(ya) || radius;
  const mx = opts.refine ?? latticeRefinement('uniform', radius, hx);
  const my = opts.refine ?? latticeRefinement('uniform', radius, hy);
  return diskUsesFft(cellBasis(opts.order ?? 8), xa.n, ya.n, radius, hx / mx, hy / my, mx, my, opts.method, what);
}

function axisStep(axis: GridAxis): number {
  return axis.n > 1 ? (axis.hi - axis.lo) / (axis.n - 1) : 0;
}

/**
 * No smoothing: f on the grid, ∇f by `exact` when given, else by central differences
 * (`centralDifference`'s automatic step).
 */
function plain(
  loss: Loss,
  xa: GridAxis,
  ya: GridAxis,
  from: number,
  to: number,
  wantValues: boolean,
  wantGrad: boolean,
  exact?: Gradient,
): GridSmoothing {
  const nx = xa.n;
  const hx = axisStep(xa);
  const hy = axisStep(ya);
  const out: GridSmoothing = { dx: hx, dy: hy, evaluations: 0 };
  const values = wantValues ? new Float64Array((to - from) * nx) : undefined;
  const gradX = wantGrad ? new Float64Array((to - from) * nx) : undefined;
  const gradY = wantGrad ? new Float64Array((to - from) * nx) : undefined;
  const p = new Float64Array(2);
  const g2 = new Float64Array(2);
  for (let iy = from; iy < to; iy++) {
    const y = gridCoordinate(ya, iy);
    for (let ix = 0; ix < nx; ix++) {
      const k = (iy - from) * nx + ix;
      const x = gridCoordinate(xa, ix);
      p[0] = x;
      p[1] = y;
      if (values) values[k] = loss(p);
      if (gradX && gradY) {
        // The shared central differences (differences.ts): the step grows with |f| where f is
        // large, so 1e8 + ‖x‖² keeps its gradient (a fixed 1e-5 step left 7e-4 of rounding).
        if (exact) exact(p, g2);
        else centralDifference(loss, p, g2);
        gradX[k] = g2[0];
        gradY[k] = g2[1];
      }
    }
  }
  if (values) out.values = values;
  if (gradX && gradY) {
    out.gradX = gradX;
    out.gradY = gradY;
  }
  return out;
}

/** The grid coordinate of index i, as `linspace` in landscape.ts computes it. */
export function gridCoordinate(axis: GridAxis, i: number): number {
  if (axis.n === 1) return (axis.lo + axis.hi) / 2;
  return i === axis.n - 1 ? axis.hi : axis.lo + ((axis.hi - axis.lo) * i) / (axis.n - 1);
}
