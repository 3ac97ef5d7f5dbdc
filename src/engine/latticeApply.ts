/**
 * The lattice of f samples and the direct application of compiled stencils to it (see
 * `gridSmoothing.ts`): row by row with prefix sums for runs, and the cascaded wide Gaussian.
 */
import type { Loss, NoiseKind } from './types';
import type { GridAxis, GridSmoothing, GridSmoothingOptions } from './gridSmoothing';
import { GAUSS_REACH, compile, gaussStencil, type CellBasis, type Compiled, type Row } from './latticeStencils';

// ---------------------------------------------------------------------------------------------
// The lattice of f samples.

export interface Lattice {
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
  /** Samples where f was not finite: how many of all, and the first (its point and f's value). */
  nonFinite?: LatticeNonFinite;
}

export interface LatticeNonFinite {
  count: number;
  of: number;
  at: [number, number];
  value: string;
}

export function sampleLattice(
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
  const sampler = latticeSampler(loss, xa, ya, mx, my, rFrom, rTo, cFrom, cTo, fRef, rows, false);
  for (let r = 0; r < rows; r++) {
    sampler.sampleRow(r);
    onRow?.(r + 1, rows);
  }
  const lat = sampler.lat;
  if (prefix) addPrefixSums(lat);
  return lat;
}

/**
 * The lattice rows rFrom … rTo (global indices) sampled one at a time, in order, into a lattice of
 * `slots` rows: row r (local, 0-based) goes to slot r mod slots, with its prefix sums when
 * `prefix`. `slots` = all rows gives the whole lattice (`sampleLattice`); 2T + 1 gives the ring
 * that direct sums of a stencil of T rows each side need at one output row (`applyStencilRow`), so
 * a grid's lattice is never held whole. Either way each row holds the same samples, and
 * `lat.nonFinite` counts over every row sampled, first point first.
 */
export function latticeSampler(
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
  slots: number,
  prefix: boolean,
): { lat: Lattice; sampleRow(r: number): void } {
  const rows = rTo - rFrom + 1;
  const cols = cTo - cFrom + 1;
  const F = new Float64Array(slots * cols);
  const p = new Float64Array(2);
  const spanX = xa.hi - xa.lo;
  const spanY = ya.hi - ya.lo;
  const dX = mx * Math.max(1, xa.n - 1);
  const dY = my * Math.max(1, ya.n - 1);
  const xs = new Float64Array(cols);
  for (let c = 0; c < cols; c++) xs[c] = xa.lo + (spanX * (cFrom + c)) / dX;
  const lat: Lattice = {
    r0: rFrom,
    c0: cFrom,
    rows,
    cols,
    F,
    bad: new Array(slots).fill(undefined),
    fRef,
    fold: new Float64Array(cols),
  };
  if (prefix) lat.P = new Float64Array(slots * (cols + 1));
  const sampleRow = (r: number): void => {
    const slot = r % slots;
    p[1] = ya.lo + (spanY * (rFrom + r)) / dY;
    const o = slot * cols;
    for (let c = 0; c < cols; c++) {
      p[0] = xs[c];
      const f = loss(p);
      const v = f - fRef;
      F[o + c] = v;
      if (!Number.isFinite(v)) {
        if (lat.nonFinite) lat.nonFinite.count++;
        else lat.nonFinite = { count: 1, of: rows * cols, at: [p[0], p[1]], value: String(f) };
      }
    }
    if (prefix) prefixRow(lat, slot);
  };
  return { lat, sampleRow };
}

/**
 * The prefix sums per row that disk chords and uniform windows read their runs from, with
 * non-finite samples as 0 and counted per row, so a run over one gives NaN.
 */
export function addPrefixSums(lat: Lattice): void {
  lat.P = new Float64Array(lat.rows * (lat.cols + 1));
  for (let r = 0; r < lat.rows; r++) prefixRow(lat, r);
}

/** `addPrefixSums` of one row (slot) of F into lat.P. */
function prefixRow(lat: Lattice, r: number): void {
  const { cols, F } = lat;
  const P = lat.P!;
  const o = r * cols;
  const po = r * (cols + 1);
  let s = 0;
  let nBad = 0;
  P[po] = 0;
  for (let c = 0; c < cols; c++) {
    const v = F[o + c];
    if (Number.isFinite(v)) s += v;
    else nBad++;
    P[po + c + 1] = s;
  }
  if (nBad > 0) {
    const cnt = new Int32Array(cols + 1);
    for (let c = 0; c < cols; c++) cnt[c + 1] = cnt[c] + (Number.isFinite(F[o + c]) ? 0 : 1);
    lat.bad[r] = cnt;
  } else lat.bad[r] = undefined;
}

/**
 * out[i] += Σ_s row(s)·(F[l1, c_i + s] + tSign·F[l2, c_i + s]) for i < nx at the lattice columns
 * c_i = start + i·mx (global indices; the grid's columns are start 0, stride mx); l2 < 0: the first
 * row only. The run part uses
 * the prefix sums (NaN when a non-finite sample lies in it).
 */
export function applyRow(
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
export function applyStencil(
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
    applyStencilRow(lat, st, iy * my - lat.r0, lat.rows, mx, nx, add, out, (iy - from) * nx);
    onRow?.(iy + 1 - from, to - from);
  }
  return out;
}

/**
 * One output row of a compiled 2-D stencil: out[off + i] for the grid columns i < nx, centred on
 * the lattice's local row `centre`, its rows held in slot r mod `slots` (`latticeSampler`).
 */
export function applyStencilRow(
  lat: Lattice,
  st: Compiled,
  centre: number,
  slots: number,
  mx: number,
  nx: number,
  add: number,
  out: Float64Array,
  off: number,
): void {
  for (let t = 0; t <= st.T; t++) {
    applyRow(lat, (centre + t) % slots, t === 0 ? -1 : (centre - t) % slots, st.tSign, st.rows[t], mx, nx, out, off);
  }
  if (add !== 0) for (let i = 0; i < nx; i++) out[off + i] += add;
}

/**
 * A Gaussian of σ lattice units as G_σ₂ ∘ G_σ₁ (σ₁² + σ₂² = σ²): σ₁ by product integration on the
 * lattice, evaluated only at every p-th column; σ₂ by the trapezoid rule on those columns. After σ₁
 * every mode k carries e^{−σ₁²k²/2}; the trapezoid on spacing p aliases k onto k − 2π/p, which σ₂
 * damps by e^{−σ₂²(2π/p − k)²/2}. The product is at most e^{−(2πσ_h/p)²/2}, σ_h = σ₁σ₂/σ, and p is
 * chosen so that this is e^{−24.5} = 2e-11. Worth it once σ is wide: the work per lattice row drops
 * from (grid columns)·6.5σ to about 8·(lattice columns) + (grid columns)·30.
 */
export interface Cascade {
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

export function planCascade(b: CellBasis, sigma: number, nx: number, lastCol: number): Cascade | undefined {
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
export function cascadeAlongX(
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

/** f was NaN or ±Infinity at a lattice sample the smoothing needs. */
export class NonFiniteSampleError extends RangeError {
  constructor(
    readonly nonFinite: LatticeNonFinite,
    readonly radius: number,
    readonly noise: NoiseKind,
  ) {
    const { value, at, count, of } = nonFinite;
    const x = `[${at.map((v) => +v.toPrecision(6)).join(', ')}]`;
    super(
      `f is ${value} at x = ${x}` +
        (count > 1 ? ` (and at ${count - 1} more of the ${of} points sampled)` : '') +
        `, a point the ${noise} smoothing of radius ${radius} averages over: g is not defined wherever its kernel reaches it`,
    );
    this.name = 'NonFiniteSampleError';
  }
}

/** The `nonFinite` option's rule, once the lattice is sampled. */
export function nonFiniteRule(lat: Lattice, out: GridSmoothing, radius: number, noise: NoiseKind, opts: GridSmoothingOptions): void {
  if (!lat.nonFinite) return;
  if ((opts.nonFinite ?? 'error') === 'error') throw new NonFiniteSampleError(lat.nonFinite, radius, noise);
  out.nonFinite = lat.nonFinite;
}
