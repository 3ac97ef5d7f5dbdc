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
 * Applying a stencil: a disk row is a chord, i.e. one constant weight over a run of lattice nodes
 * (two prefix-sum reads) plus taps near its ends; rows t and −t share weights and are folded
 * first. Cube and Gaussian are separable and run as two 1-D passes (along x over every lattice row,
 * then along y); a wide Gaussian runs its x pass as a cascade G_σ₂ ∘ G_σ₁ (see `planCascade`).
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
 * and added back, so a large constant in f costs no digits. Non-finite samples poison only the grid
 * points whose stencil touches them.
 */
import type { Loss, NoiseKind } from './types';
import { gaussLegendre, type Rule } from './quadrature';

/** Gaussian kernels are cut at this many σ (2Φ(−6.5) = 8e-11 of the mass). */
export const GAUSS_REACH = 6.5;

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
  /** Lattice points per grid step (m); default `latticeRefinement`. */
  refine?: number;
  /** Interpolation nodes per axis and cell, 2q (even, 2–10); default 8 (q = 4). */
  order?: number;
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

// ---------------------------------------------------------------------------------------------
// The cell interpolant: on the cell [k, k + 1] (lattice units) the nodes k − q + 1 … k + q.

interface CellBasis {
  q: number;
  /** ρ_j = ∫₀¹ ℓ_j: the cell's quadrature weights. */
  rho: Float64Array;
  /** γ(d) for d = −q+1 … q−1 (index d + q − 1): weight node A + d receives from all cells k ≥ A. */
  gamma: Float64Array;
  /** q-point Gauss–Legendre on [0, 1] (exact for the degree 2q − 1 cardinal polynomials). */
  gl: Rule;
  /** Denominators Π_{i≠j} (j − i). */
  denom: Float64Array;
}

function cellBasis(order: number): CellBasis {
  if (!Number.isInteger(order) || order < 2 || order > 10 || order % 2)
    throw new RangeError(`interpolation order must be an even integer in [2, 10], got ${order}`);
  const q = order / 2;
  const n = 2 * q;
  const denom = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let d = 1;
    for (let i = 0; i < n; i++) if (i !== j) d *= j - i;
    denom[j] = d;
  }
  const base = gaussLegendre(q);
  const gl: Rule = { nodes: base.nodes.map((x) => 0.5 * (x + 1)), weights: base.weights.map((w) => 0.5 * w) };
  const basis: CellBasis = { q, rho: new Float64Array(n), gamma: new Float64Array(n - 1), gl, denom };
  partialIntegrals(basis, 1, basis.rho);
  // Node A + d (|d| < q) lies in the stencils of cells A + d − q … A + d + q − 1; of the cells ≥ A
  // it gets ρ at local index (A + d) − k + q − 1.
  for (let d = -q + 1; d <= q - 1; d++) {
    let s = 0;
    for (let k = Math.max(0, d - q + 1); k <= d + q - 1 + 0; k++) {
      const j = d - k + q - 1;
      if (j >= 0 && j < n) s += basis.rho[j];
    }
    basis.gamma[d + q - 1] = s;
  }
  return basis;
}

/** ℓ_j(τ) for the nodes −q+1 … q (index j = node + q − 1), τ the position in the cell. */
function cardinals(b: CellBasis, tau: number, out: Float64Array): void {
  const n = 2 * b.q;
  for (let j = 0; j < n; j++) {
    let p = 1;
    for (let i = 0; i < n; i++) if (i !== j) p *= tau - (i - b.q + 1);
    out[j] = p / b.denom[j];
  }
}

/** ∫₀^e ℓ_j(τ) dτ into out (exact: q-point Gauss–Legendre on a degree 2q − 1 polynomial). */
const scratchL = new Float64Array(10);
function partialIntegrals(b: CellBasis, e: number, out: Float64Array): void {
  const n = 2 * b.q;
  out.fill(0, 0, n);
  if (e === 0) return;
  for (let g = 0; g < b.gl.nodes.length; g++) {
    cardinals(b, e * b.gl.nodes[g], scratchL);
    const w = e * b.gl.weights[g];
    for (let j = 0; j < n; j++) out[j] += w * scratchL[j];
  }
}

// ---------------------------------------------------------------------------------------------
// Building stencils: weights over nodes s ∈ [−S, S], a dense part plus constant runs kept in a
// difference array (an interval's interior is a run of weight 1, so a long chord costs O(q)).

class Accumulator {
  readonly dense: Float64Array;
  readonly diff: Float64Array;
  constructor(readonly S: number) {
    this.dense = new Float64Array(2 * S + 1);
    this.diff = new Float64Array(2 * S + 2);
  }
  add(s: number, w: number): void {
    this.dense[s + this.S] += w;
  }
  run(lo: number, hi: number, w: number): void {
    this.diff[lo + this.S] += w;
    this.diff[hi + this.S + 1] -= w;
  }
  /** The weights, scaled, into out[offset …]. */
  writeTo(out: Float64Array, offset: number, scale: number): void {
    let c = 0;
    for (let i = 0; i < this.dense.length; i++) {
      c += this.diff[i];
      out[offset + i] = scale * (this.dense[i] + c);
    }
  }
}

const tmpPartA = new Float64Array(10);
const tmpPartB = new Float64Array(10);
const tmpCard = new Float64Array(10);

/**
 * Adds scale · (weights of ∫_α^β Pf(u) du) into acc, lattice units. Full cells deep inside become a
 * run of weight 1; the cells near each end and the two partial cells are added node by node.
 */
function addInterval(b: CellBasis, acc: Accumulator, alpha: number, beta: number, scale: number): void {
  if (!(beta > alpha) || scale === 0) return;
  const q = b.q;
  const n = 2 * q;
  const ka = Math.floor(alpha);
  let kb = Math.floor(beta);
  if (kb === beta) kb--; // β on a lattice line: its cell is the one to the left, fully covered
  if (ka === kb) {
    partialIntegrals(b, beta - ka, tmpPartA);
    partialIntegrals(b, alpha - ka, tmpPartB);
    for (let j = 0; j < n; j++) acc.add(ka - q + 1 + j, scale * (tmpPartA[j] - tmpPartB[j]));
    return;
  }
  // Left partial cell ka over [α − ka, 1], right partial cell kb over [0, β − kb].
  partialIntegrals(b, alpha - ka, tmpPartB);
  for (let j = 0; j < n; j++) acc.add(ka - q + 1 + j, scale * (b.rho[j] - tmpPartB[j]));
  partialIntegrals(b, beta - kb, tmpPartA);
  for (let j = 0; j < n; j++) acc.add(kb - q + 1 + j, scale * tmpPartA[j]);
  // Full cells A … B.
  const A = ka + 1;
  const B = kb - 1;
  if (B - A + 1 < 2 * q + 1) {
    for (let k = A; k <= B; k++) for (let j = 0; j < n; j++) acc.add(k - q + 1 + j, scale * b.rho[j]);
    return;
  }
  // Σ over cells A…B: γ(s − A) near A and, mirrored about B + 1 (ρ is symmetric), γ(B + 1 − s)
  // near B, 1 in between.
  for (let d = -q + 1; d <= q - 1; d++) {
    acc.add(A + d, scale * b.gamma[d + q - 1]);
    acc.add(B + 1 - d, scale * b.gamma[d + q - 1]);
  }
  acc.run(A + q, B + 1 - q, scale);
}

/** Adds scale · Pf(x) as weights: the 2q cardinals of x's cell. */
function addPoint(b: CellBasis, acc: Accumulator, x: number, scale: number): void {
  if (scale === 0) return;
  const k = Math.floor(x);
  cardinals(b, x - k, tmpCard);
  for (let j = 0; j < 2 * b.q; j++) acc.add(k - b.q + 1 + j, scale * tmpCard[j]);
}

/** A stencil as a dense matrix: w[(t + T)(2S + 1) + s + S] for rows t ∈ [−T, T] (along y), s ∈ [−S, S]. */
interface Dense2D {
  T: number;
  S: number;
  w: Float64Array;
}

/** Gauss–Legendre nodes on [lo, hi]. */
function forEachGL(rule: Rule, lo: number, hi: number, visit: (x: number, w: number) => void): void {
  const half = 0.5 * (hi - lo);
  const mid = 0.5 * (hi + lo);
  for (let g = 0; g < rule.nodes.length; g++) visit(mid + half * rule.nodes[g], half * rule.weights[g]);
}

const GL12 = gaussLegendre(12);

/**
 * Uniform disk, ax = a/δx and ay = a/δy lattice units. 'value': g's weights (sum 1); 'dx': ∂g/∂x
 * in x units, (1/πa²) ∫ [Pf(x + c(v), y + v) − Pf(x − c(v), y + v)] dv (the boundary identity).
 * The v integral runs in θ (v = ay sin θ, chord half-width c = ax cos θ), split wherever v or c
 * crosses a lattice line, 12 Gauss–Legendre points per piece: the integrand is then a polynomial
 * in sin θ and cos θ, so the weights are exact to rounding.
 */
function diskStencil(b: CellBasis, ax: number, ay: number, kind: 'value' | 'dx', dxUnit: number): Dense2D {
  const q = b.q;
  const T = Math.floor(ay) + q;
  const S = Math.floor(ax) + q;
  const accs = Array.from({ length: 2 * T + 1 }, () => new Accumulator(S));
  const cuts: number[] = [-Math.PI / 2, Math.PI / 2];
  for (let j = Math.ceil(-ay); j <= Math.floor(ay); j++) if (Math.abs(j) < ay) cuts.push(Math.asin(j / ay));
  for (let k = 1; k < ax; k++) {
    const th = Math.acos(k / ax);
    cuts.push(th, -th);
  }
  cuts.sort((p, r) => p - r);
  const bv = new Float64Array(2 * q);
  const visit = (th: number, w: number) => {
    const v = ay * Math.sin(th);
    const c = ax * Math.cos(th);
    const wv = w * ay * Math.cos(th);
    const l = Math.floor(v);
    cardinals(b, v - l, bv);
    for (let j = 0; j < 2 * q; j++) {
      const t = l - q + 1 + j;
      if (t < -T || t > T) continue;
      const acc = accs[t + T];
      const scale = wv * bv[j];
      if (kind === 'value') addInterval(b, acc, -c, c, scale);
      else {
        addPoint(b, acc, c, scale);
        addPoint(b, acc, -c, -scale);
      }
    }
  };
  for (let i = 0; i + 1 < cuts.length; i++) if (cuts[i + 1] > cuts[i]) forEachGL(GL12, cuts[i], cuts[i + 1], visit);
  const norm = kind === 'value' ? 1 / (Math.PI * ax * ay) : 1 / (Math.PI * ax * ay * dxUnit);
  const w = new Float64Array((2 * T + 1) * (2 * S + 1));
  accs.forEach((acc, r) => acc.writeTo(w, r * (2 * S + 1), norm));
  return { T, S, w };
}

function transposeDense(d: Dense2D): Dense2D {
  const { T, S } = d;
  const W = 2 * S + 1;
  const H = 2 * T + 1;
  const w = new Float64Array(H * W);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) w[c * H + r] = d.w[r * W + c];
  return { T: S, S: T, w };
}

// ---------------------------------------------------------------------------------------------
// Stencils in application form.

/**
 * One row of weights over s ∈ [−S, S]: `run` on [−runHalf, runHalf] (served by prefix sums), plus
 * taps in pairs (s > 0, w) meaning w·(F[c + s] + sign·F[c − s]), plus w0 at s = 0.
 */
interface Row {
  run: number;
  runHalf: number;
  w0: number;
  pairS: Int32Array;
  pairW: Float64Array;
  sign: 1 | -1;
}

/** Rows t = 0 … T of a stencil with parity tSign in t: row t stands for t and −t. */
interface Compiled {
  T: number;
  S: number;
  tSign: 1 | -1;
  rows: Row[];
}

/** Runs shorter than this are left as taps. */
const MIN_RUN = 3;

/**
 * Rows of a dense stencil with parity sSign in s and tSign in t (both halves are averaged, so the
 * result is exactly symmetric). In a symmetric row the central stretch of one repeated value —
 * the chord interiors, where only runs of weight 1 landed — becomes a run. Weights below 1e-15 of
 * the largest are dropped.
 */
function compile(d: Dense2D, sSign: 1 | -1, tSign: 1 | -1): Compiled {
  const { T, S } = d;
  const W = 2 * S + 1;
  let big = 0;
  for (let i = 0; i < d.w.length; i++) big = Math.max(big, Math.abs(d.w[i]));
  const cut = 1e-15 * big;
  const rows: Row[] = [];
  const w = new Float64Array(W);
  for (let t = 0; t <= T; t++) {
    const up = (T + t) * W;
    const dn = (T - t) * W;
    for (let s = 0; s < W; s++) w[s] = t === 0 ? d.w[up + s] : 0.5 * (d.w[up + s] + tSign * d.w[dn + s]);
    let runHalf = -1;
    let run = 0;
    if (sSign === 1 && w[S] !== 0) {
      let r = 0;
      while (r + 1 <= S && w[S + r + 1] === w[S] && w[S - r - 1] === w[S]) r++;
      if (r + 1 >= MIN_RUN) {
        runHalf = r;
        run = w[S];
      }
    }
    const ps: number[] = [];
    const pw: number[] = [];
    for (let k = Math.max(1, runHalf + 1); k <= S; k++) {
      const v = sSign === 1 ? 0.5 * (w[S + k] + w[S - k]) : 0.5 * (w[S + k] - w[S - k]);
      if (Math.abs(v) > cut) {
        ps.push(k);
        pw.push(v);
      }
    }
    const w0 = sSign === 1 && runHalf < 0 && Math.abs(w[S]) > cut ? w[S] : 0;
    rows.push({ run, runHalf, w0, pairS: Int32Array.from(ps), pairW: Float64Array.from(pw), sign: sSign });
  }
  return { T, S, tSign: T === 0 ? 1 : tSign, rows };
}

/** Uniform window [−a, a] (lattice units): value weights (sum 1) or ∂/∂x in x units. */
function boxStencil(b: CellBasis, a: number, kind: 'value' | 'dx', unit: number): Dense2D {
  const acc = new Accumulator(Math.floor(a) + b.q);
  if (kind === 'value') addInterval(b, acc, -a, a, 1 / (2 * a));
  else {
    addPoint(b, acc, a, 1 / (2 * a * unit));
    addPoint(b, acc, -a, -1 / (2 * a * unit));
  }
  const w = new Float64Array(2 * acc.S + 1);
  acc.writeTo(w, 0, 1);
  return { T: 0, S: acc.S, w };
}

/** N(0, σ²) cut at ±6.5σ (lattice units): value weights (renormalised to 1) or Stein's ∂/∂x in x units. */
function gaussStencil(b: CellBasis, sigma: number, kind: 'value' | 'dx', unit: number): Dense2D {
  const R = GAUSS_REACH * sigma;
  const q = b.q;
  const acc = new Accumulator(Math.ceil(R) + q);
  // Panels no wider than σ/2, so the density is smooth on each.
  const panelsPerCell = Math.max(1, Math.ceil(2 / sigma));
  const card = new Float64Array(2 * q);
  let mass = 0;
  const us: number[] = [];
  const ws: number[] = [];
  for (let k = Math.floor(-R); k <= Math.ceil(R) - 1; k++) {
    const lo = Math.max(k, -R);
    const hi = Math.min(k + 1, R);
    if (!(hi > lo)) continue;
    for (let p = 0; p < panelsPerCell; p++) {
      forEachGL(GL12, lo + ((hi - lo) * p) / panelsPerCell, lo + ((hi - lo) * (p + 1)) / panelsPerCell, (u, w) => {
        const wd = w * Math.exp(-0.5 * (u / sigma) ** 2);
        mass += wd;
        us.push(u);
        ws.push(wd);
      });
    }
  }
  for (let i = 0; i < us.length; i++) {
    const u = us[i];
    const k = Math.floor(u);
    cardinals(b, u - k, card);
    const scale = kind === 'value' ? ws[i] / mass : (ws[i] * u) / (mass * sigma * sigma * unit);
    for (let j = 0; j < 2 * q; j++) acc.add(k - q + 1 + j, scale * card[j]);
  }
  const w = new Float64Array(2 * acc.S + 1);
  acc.writeTo(w, 0, 1);
  return { T: 0, S: acc.S, w };
}

// ---------------------------------------------------------------------------------------------
// The lattice of f samples.

interface Lattice {
  /** Lattice rows r0 … r0 + rows − 1 (global index: y = lo + r·δy), columns c0 … c0 + cols − 1. */
  r0: number;
  c0: number;
  rows: number;
  cols: number;
  /** f − fRef, row-major; non-finite samples stay non-finite here. */
  F: Float64Array;
  /** Prefix sums per row of F with non-finite samples as 0: P[r·(cols+1) + k] = Σ_{c<k} F. */
  P?: Float64Array;
  /** Per row: count prefix of non-finite samples (only for rows that have any). */
  bad: Array<Int32Array | undefined>;
  fRef: number;
  /** Scratch row (cols) for folding rows t and −t. */
  fold: Float64Array;
}

function axisStep(axis: GridAxis): number {
  return axis.n > 1 ? (axis.hi - axis.lo) / (axis.n - 1) : 0;
}

function sampleLattice(
  loss: Loss,
  xa: GridAxis,
  ya: GridAxis,
  mx: number,
  my: number,
  rFrom: number,
  rTo: number,
  cFrom: number,
  cTo: number,
  fRef: number,
  prefix: boolean,
  onRow?: (done: number, total: number) => void,
): Lattice {
  const rows = rTo - rFrom + 1;
  const cols = cTo - cFrom + 1;
  const F = new Float64Array(rows * cols);
  const P = prefix ? new Float64Array(rows * (cols + 1)) : undefined;
  const bad: Array<Int32Array | undefined> = new Array(rows).fill(undefined);
  const p = new Float64Array(2);
  const spanX = xa.hi - xa.lo;
  const spanY = ya.hi - ya.lo;
  const dX = mx * Math.max(1, xa.n - 1);
  const dY = my * Math.max(1, ya.n - 1);
  const xs = new Float64Array(cols);
  for (let c = 0; c < cols; c++) xs[c] = xa.lo + (spanX * (cFrom + c)) / dX;
  for (let r = 0; r < rows; r++) {
    p[1] = ya.lo + (spanY * (rFrom + r)) / dY;
    const o = r * cols;
    let nBad = 0;
    for (let c = 0; c < cols; c++) {
      p[0] = xs[c];
      const v = loss(p) - fRef;
      F[o + c] = v;
      if (!Number.isFinite(v)) nBad++;
    }
    if (P) {
      const po = r * (cols + 1);
      let s = 0;
      P[po] = 0;
      for (let c = 0; c < cols; c++) {
        const v = F[o + c];
        if (Number.isFinite(v)) s += v;
        P[po + c + 1] = s;
      }
      if (nBad > 0) {
        const cnt = new Int32Array(cols + 1);
        for (let c = 0; c < cols; c++) cnt[c + 1] = cnt[c] + (Number.isFinite(F[o + c]) ? 0 : 1);
        bad[r] = cnt;
      }
    }
    onRow?.(r + 1, rows);
  }
  return { r0: rFrom, c0: cFrom, rows, cols, F, P, bad, fRef, fold: new Float64Array(cols) };
}

/**
 * out[i] += Σ_s row(s)·(F[l1, c_i + s] + tSign·F[l2, c_i + s]) for i < nx at the lattice columns
 * c_i = start + i·mx (global indices; the grid's columns are start 0, stride mx); l2 < 0: the first
 * row only. The run part uses
 * the prefix sums (NaN when a non-finite sample lies in it).
 */
function applyRow(
  lat: Lattice,
  l1: number,
  l2: number,
  tSign: number,
  row: Row,
  mx: number,
  nx: number,
  out: Float64Array,
  outOff: number,
  start = 0,
): void {
  const { cols, F } = lat;
  const base = start - lat.c0;
  const o1 = l1 * cols + base;
  const o2 = l2 < 0 ? o1 : l2 * cols + base;
  const t2 = l2 < 0 ? 0 : tSign;
  const { pairS, pairW, runHalf } = row;
  const np = pairS.length;
  if (runHalf >= 0 && row.run !== 0) {
    const P = lat.P!;
    const p1 = l1 * (cols + 1) + base;
    const p2 = l2 < 0 ? p1 : l2 * (cols + 1) + base;
    const b1 = lat.bad[l1];
    const b2 = l2 < 0 ? undefined : lat.bad[l2];
    const rw = row.run;
    const hi = runHalf + 1;
    for (let i = 0; i < nx; i++) {
      const c = i * mx;
      let v = P[p1 + c + hi] - P[p1 + c - runHalf];
      if (t2 !== 0) v += t2 * (P[p2 + c + hi] - P[p2 + c - runHalf]);
      if ((b1 && b1[base + c + hi] - b1[base + c - runHalf] > 0) || (b2 && b2[base + c + hi] - b2[base + c - runHalf] > 0)) v = NaN;
      out[outOff + i] += rw * v;
    }
  }
  if (row.w0 !== 0) {
    const w0 = row.w0;
    for (let i = 0; i < nx; i++) out[outOff + i] += w0 * (F[o1 + i * mx] + t2 * F[o2 + i * mx]);
  }
  if (np === 0) return;
  // Rows t and −t share their weights: fold them into one row first when that saves loads (taps
  // × columns outnumber the row's length). Then taps outer, grid columns inner: each inner loop is
  // one strided sweep.
  let src = F;
  let o = o1;
  const sg = row.sign;
  if (t2 !== 0 && np * nx <= cols) {
    for (let k = 0; k < np; k++) {
      const d = pairS[k];
      const w = pairW[k];
      const w2 = w * t2;
      const a1 = o1 + d;
      const b1 = o1 - d;
      const a2 = o2 + d;
      const b2 = o2 - d;
      if (sg === 1)
        for (let i = 0, c = 0; i < nx; i++, c += mx) out[outOff + i] += w * (F[a1 + c] + F[b1 + c]) + w2 * (F[a2 + c] + F[b2 + c]);
      else for (let i = 0, c = 0; i < nx; i++, c += mx) out[outOff + i] += w * (F[a1 + c] - F[b1 + c]) + w2 * (F[a2 + c] - F[b2 + c]);
    }
    return;
  }
  if (t2 !== 0) {
    const G = lat.fold;
    const lo = Math.max(0, o1 - l1 * cols - pairS[np - 1]);
    const hi = Math.min(cols, o1 - l1 * cols + (nx - 1) * mx + pairS[np - 1] + 1);
    for (let c = lo, a = l1 * cols, z = l2 * cols; c < hi; c++) G[c] = F[a + c] + t2 * F[z + c];
    src = G;
    o = o1 - l1 * cols;
  }
  for (let k = 0; k < np; k++) {
    const d = pairS[k];
    const w = pairW[k];
    const a1 = o + d;
    const b1 = o - d;
    if (sg === 1) for (let i = 0, c = 0; i < nx; i++, c += mx) out[outOff + i] += w * (src[a1 + c] + src[b1 + c]);
    else for (let i = 0, c = 0; i < nx; i++, c += mx) out[outOff + i] += w * (src[a1 + c] - src[b1 + c]);
  }
}

/** Applies a compiled 2-D stencil to grid rows [from, to): one output row at a time. */
function applyStencil(
  lat: Lattice,
  st: Compiled,
  from: number,
  to: number,
  mx: number,
  my: number,
  nx: number,
  add: number,
  onRow?: (done: number, total: number) => void,
): Float64Array {
  const out = new Float64Array((to - from) * nx);
  for (let iy = from; iy < to; iy++) {
    const off = (iy - from) * nx;
    const centre = iy * my - lat.r0;
    for (let t = 0; t <= st.T; t++) applyRow(lat, centre + t, t === 0 ? -1 : centre - t, st.tSign, st.rows[t], mx, nx, out, off);
    if (add !== 0) for (let i = 0; i < nx; i++) out[off + i] += add;
    onRow?.(iy + 1 - from, to - from);
  }
  return out;
}

/**
 * A Gaussian of σ lattice units as G_σ₂ ∘ G_σ₁ (σ₁² + σ₂² = σ²): σ₁ by product integration on the
 * lattice, evaluated only at every p-th column; σ₂ by the trapezoid rule on those columns. After σ₁
 * every mode k carries e^{−σ₁²k²/2}; the trapezoid on spacing p aliases k onto k − 2π/p, which σ₂
 * damps by e^{−σ₂²(2π/p − k)²/2}. The product is at most e^{−(2πσ_h/p)²/2}, σ_h = σ₁σ₂/σ, and p is
 * chosen so that this is e^{−24.5} = 2e-11. Worth it once σ is wide: the work per lattice row drops
 * from (grid columns)·6.5σ to about 8·(lattice columns) + (grid columns)·30.
 */
interface Cascade {
  p: number;
  s1: Compiled;
  sigma2: number;
  /** Coarse columns J·p for J ∈ [j0, j1]; lattice reach needed beyond the grid, in columns. */
  j0: number;
  j1: number;
  reach: number;
  /** Per grid column: first coarse index and the trapezoid weights (value, and ∂x in x units). */
  first: Int32Array;
  taps: number;
  w: Float64Array;
  wd: Float64Array;
}

const CASCADE_KSIGMA = 7;

function planCascade(b: CellBasis, sigma: number, nx: number, lastCol: number): Cascade | undefined {
  const p = Math.floor(sigma / 5);
  if (p < 2) return undefined;
  const sh = (CASCADE_KSIGMA * p) / (2 * Math.PI);
  const disc = sigma ** 4 - 4 * sh * sh * sigma * sigma;
  if (!(disc > 0)) return undefined;
  const s1 = Math.sqrt((sigma * sigma - Math.sqrt(disc)) / 2);
  const sigma2 = Math.sqrt(sigma * sigma - s1 * s1);
  const direct = nx * GAUSS_REACH * sigma;
  const R2 = GAUSS_REACH * sigma2;
  const stencil1 = gaussStencil(b, s1, 'value', 1);
  const coarse = (lastCol + 2 * R2) / p;
  if (!(coarse * GAUSS_REACH * s1 + nx * (R2 / p) * 2 < 0.5 * direct)) return undefined;
  const taps = Math.ceil((2 * R2) / p) + 2;
  const mx = nx > 1 ? lastCol / (nx - 1) : 0;
  const lo = new Int32Array(nx);
  for (let i = 0; i < nx; i++) lo[i] = Math.ceil((i * mx - R2) / p);
  const j0 = lo[0];
  const j1 = lo[nx - 1] + taps - 1;
  const reach = Math.max(-j0 * p, j1 * p - lastCol, 0) + stencil1.S;
  const first = new Int32Array(nx);
  const w = new Float64Array(nx * taps);
  const wd = new Float64Array(nx * taps);
  for (let i = 0; i < nx; i++) {
    const x = i * mx;
    first[i] = lo[i] - j0;
    let sum = 0;
    for (let k = 0; k < taps; k++) {
      const u = (lo[i] + k) * p - x;
      const v = Math.abs(u) <= R2 ? Math.exp(-0.5 * (u / sigma2) ** 2) : 0;
      w[i * taps + k] = v;
      sum += v;
    }
    for (let k = 0; k < taps; k++) {
      const u = (lo[i] + k) * p - x;
      w[i * taps + k] /= sum;
      wd[i * taps + k] = (w[i * taps + k] * u) / (sigma2 * sigma2);
    }
  }
  return { p, s1: compile(stencil1, 1, 1), sigma2, j0, j1, reach, first, taps, w, wd };
}

/** Pass 1 of a cascaded Gaussian: σ₁ at the coarse columns of every lattice row, then σ₂ (and ∂x) at the grid columns. */
function cascadeAlongX(
  lat: Lattice,
  c: Cascade,
  nx: number,
  grad: boolean,
  dx: number,
  onRow?: (done: number, total: number) => void,
): [Float64Array, Float64Array | undefined] {
  const nc = c.j1 - c.j0 + 1;
  const h1 = new Float64Array(nc);
  const A = new Float64Array(lat.rows * nx);
  const Ad = grad ? new Float64Array(lat.rows * nx) : undefined;
  const { taps, w, wd, first } = c;
  const row = c.s1.rows[0];
  for (let r = 0; r < lat.rows; r++) {
    h1.fill(0);
    applyRow(lat, r, -1, 1, row, c.p, nc, h1, 0, c.j0 * c.p);
    const o = r * nx;
    for (let i = 0; i < nx; i++) {
      const f0 = first[i];
      const wo = i * taps;
      let s = 0;
      for (let k = 0; k < taps; k++) s += w[wo + k] * h1[f0 + k];
      A[o + i] = s;
      if (Ad) {
        let sd = 0;
        for (let k = 0; k < taps; k++) sd += wd[wo + k] * h1[f0 + k];
        Ad[o + i] = sd / dx;
      }
    }
    onRow?.(r + 1, lat.rows);
  }
  return [A, Ad];
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
  if (noise === 'none' || radius === 0) return plain(loss, xa, ya, from, to, wantValues, wantGrad);
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

  if (noise === 'uniform') {
    const ax = radius / dx;
    const ay = radius / dy;
    const stV = wantValues ? compile(diskStencil(b, ax, ay, 'value', 1), 1, 1) : undefined;
    const stX = wantGrad ? compile(diskStencil(b, ax, ay, 'dx', dx), -1, 1) : undefined;
    const stY = wantGrad ? compile(transposeDense(diskStencil(b, ay, ax, 'dx', dy)), 1, -1) : undefined;
    const T = Math.max(stV?.T ?? 0, stX?.T ?? 0, stY?.T ?? 0);
    const S = Math.max(stV?.S ?? 0, stX?.S ?? 0, stY?.S ?? 0);
    const lat = sampleLattice(
      loss,
      xa,
      ya,
      mx,
      my,
      from * my - T,
      (to - 1) * my + T,
      -S,
      (nx - 1) * mx + S,
      fRef,
      stV !== undefined,
      progress ? (done, total) => progress((0.5 * done) / total) : undefined,
    );
    result.evaluations = lat.rows * lat.cols + 1;
    // The second half of the progress: the stencils, one after the other.
    const stencils = (stV ? 1 : 0) + (stX ? 2 : 0);
    let k = 0;
    const part = () => {
      const base = 0.5 + (0.5 * k++) / stencils;
      return progress ? (done: number, total: number) => progress(base + (0.5 * done) / (stencils * total)) : undefined;
    };
    if (stV) result.values = applyStencil(lat, stV, from, to, mx, my, nx, fRef, part());
    if (stX && stY) {
      result.gradX = applyStencil(lat, stX, from, to, mx, my, nx, 0, part());
      result.gradY = applyStencil(lat, stY, from, to, mx, my, nx, 0, part());
    }
    return result;
  }

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

/** No smoothing: f on the grid, ∇f by central differences. */
function plain(loss: Loss, xa: GridAxis, ya: GridAxis, from: number, to: number, wantValues: boolean, wantGrad: boolean): GridSmoothing {
  const nx = xa.n;
  const hx = axisStep(xa);
  const hy = axisStep(ya);
  const out: GridSmoothing = { dx: hx, dy: hy, evaluations: 0 };
  const values = wantValues ? new Float64Array((to - from) * nx) : undefined;
  const gradX = wantGrad ? new Float64Array((to - from) * nx) : undefined;
  const gradY = wantGrad ? new Float64Array((to - from) * nx) : undefined;
  const p = new Float64Array(2);
  for (let iy = from; iy < to; iy++) {
    const y = gridCoordinate(ya, iy);
    for (let ix = 0; ix < nx; ix++) {
      const k = (iy - from) * nx + ix;
      const x = gridCoordinate(xa, ix);
      p[0] = x;
      p[1] = y;
      if (values) values[k] = loss(p);
      if (gradX && gradY) {
        const sx = 1e-5 * Math.max(1, Math.abs(x));
        const sy = 1e-5 * Math.max(1, Math.abs(y));
        p[0] = x + sx;
        const xp = loss(p);
        p[0] = x - sx;
        const xm = loss(p);
        p[0] = x;
        p[1] = y + sy;
        const yp = loss(p);
        p[1] = y - sy;
        const ym = loss(p);
        gradX[k] = (xp - xm) / (2 * sx);
        gradY[k] = (yp - ym) / (2 * sy);
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
