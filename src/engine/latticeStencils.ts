/**
 * The weights of lattice product integration (see `gridSmoothing.ts` for the method and its error
 * bound): the cell interpolant Pf of degree 2q − 1, the weights W(s, t) = ∫ K(u, v) L_s(u) L_t(v)
 * of the uniform window and the Gaussian and of their gradient identities (the disk's, from the
 * same pieces, are in `latticeDisk.ts`), built once per (law, radius, lattice), and their compiled
 * form (runs served by prefix sums, taps in pairs).
 */
import { gaussLegendre, type Rule } from './quadrature';

/** Gaussian kernels are cut at this many σ (2Φ(−6.5) = 8e-11 of the mass). */
export const GAUSS_REACH = 6.5;

// ---------------------------------------------------------------------------------------------
// The cell interpolant: on the cell [k, k + 1] (lattice units) the nodes k − q + 1 … k + q.

export interface CellBasis {
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

export function cellBasis(order: number): CellBasis {
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
export function cardinals(b: CellBasis, tau: number, out: Float64Array): void {
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

export class Accumulator {
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

/** Where stencil weights go: one node at a time, or a run of one weight. */
export interface Sink {
  add(s: number, w: number): void;
  run(lo: number, hi: number, w: number): void;
}

const tmpPartA = new Float64Array(10);
const tmpPartB = new Float64Array(10);
const tmpCard = new Float64Array(10);

/**
 * Adds scale · (weights of ∫_α^β Pf(u) du) into acc, lattice units. Full cells deep inside become a
 * run of weight 1; the cells near each end and the two partial cells are added node by node.
 */
export function addInterval(b: CellBasis, acc: Sink, alpha: number, beta: number, scale: number): void {
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
export function addPoint(b: CellBasis, acc: Sink, x: number, scale: number): void {
  if (scale === 0) return;
  const k = Math.floor(x);
  cardinals(b, x - k, tmpCard);
  for (let j = 0; j < 2 * b.q; j++) acc.add(k - b.q + 1 + j, scale * tmpCard[j]);
}

/** A stencil as a dense matrix: w[(t + T)(2S + 1) + s + S] for rows t ∈ [−T, T] (along y), s ∈ [−S, S]. */
export interface Dense2D {
  T: number;
  S: number;
  w: Float64Array;
}

/** Gauss–Legendre nodes on [lo, hi]. */
export function forEachGL(rule: Rule, lo: number, hi: number, visit: (x: number, w: number) => void): void {
  const half = 0.5 * (hi - lo);
  const mid = 0.5 * (hi + lo);
  for (let g = 0; g < rule.nodes.length; g++) visit(mid + half * rule.nodes[g], half * rule.weights[g]);
}

export const GL12 = gaussLegendre(12);
// ---------------------------------------------------------------------------------------------
// Stencils in application form.

/**
 * One row of weights over s ∈ [−S, S]: `run` on [−runHalf, runHalf] (served by prefix sums), plus
 * taps in pairs (s > 0, w) meaning w·(F[c + s] + sign·F[c − s]), plus w0 at s = 0.
 */
export interface Row {
  run: number;
  runHalf: number;
  w0: number;
  pairS: Int32Array;
  pairW: Float64Array;
  sign: 1 | -1;
}

/** Rows t = 0 … T of a stencil with parity tSign in t: row t stands for t and −t. */
export interface Compiled {
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
export function compile(d: Dense2D, sSign: 1 | -1, tSign: 1 | -1): Compiled {
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
export function boxStencil(b: CellBasis, a: number, kind: 'value' | 'dx', unit: number): Dense2D {
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
export function gaussStencil(b: CellBasis, sigma: number, kind: 'value' | 'dx', unit: number): Dense2D {
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
