/**
 * The uniform disk on the lattice (see `gridSmoothing.ts`): its value and gradient stencils, then
 * direct sums over each grid point's stencil, or for a wide disk one FFT of the whole grid's
 * lattice (`latticeFft.ts`).
 */
import { addPrefixSums, applyStencil, applyStencilRow, latticeSampler, nonFiniteRule, sampleLattice } from './latticeApply';
import { fftPays, fftStencils } from './latticeFft';
import { gaussLegendre } from './quadrature';
import {
  Accumulator,
  GL12,
  addInterval,
  addPoint,
  cardinals,
  compile,
  forEachGL,
  type CellBasis,
  type Compiled,
  type Dense2D,
  type Sink,
} from './latticeStencils';
import type { GridSmoothing, SmoothingContext } from './gridSmoothing';

/**
 * Weights recorded once and added to several accumulators with different scales (a disk's
 * θ node feeds the 2q lattice rows around it the same interval).
 */
class Recorder implements Sink {
  private readonly at: number[] = [];
  private readonly w: number[] = [];
  private readonly runs: number[] = [];
  clear(): void {
    this.at.length = 0;
    this.w.length = 0;
    this.runs.length = 0;
  }
  add(s: number, w: number): void {
    this.at.push(s);
    this.w.push(w);
  }
  run(lo: number, hi: number, w: number): void {
    this.runs.push(lo, hi, w);
  }
  replay(acc: Accumulator, scale: number): void {
    const { at, w, runs } = this;
    for (let i = 0; i < at.length; i++) acc.add(at[i], scale * w[i]);
    for (let i = 0; i < runs.length; i += 3) acc.run(runs[i], runs[i + 1], scale * runs[i + 2]);
  }
}

const GL6 = gaussLegendre(6);
/** Pieces of the disk's θ integral at most this wide (radians) take 6 points, wider ones 12. */
const NARROW_PIECE = 0.05;

/**
 * Uniform disk, ax = a/δx and ay = a/δy lattice units. 'value': g's weights (sum 1); 'dx': ∂g/∂x
 * in x units, (1/πa²) ∫ [Pf(x + c(v), y + v) − Pf(x − c(v), y + v)] dv (the boundary identity).
 * The v integral runs in θ (v = ay sin θ, chord half-width c = ax cos θ), split wherever v or c
 * crosses a lattice line, Gauss–Legendre per piece: the integrand is then a polynomial in sin θ
 * and cos θ of degree ≤ 4q + 1, whose Taylor remainder on a piece of width ≤ 0.05 (6 points, exact
 * to degree 11 in θ) is below 1e-16; wider pieces (radii of a few lattice cells) take 12 points.
 */
export function diskStencil(b: CellBasis, ax: number, ay: number, kind: 'value' | 'dx', dxUnit: number): Dense2D {
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
  const rec = new Recorder();
  const visit = (th: number, w: number) => {
    const v = ay * Math.sin(th);
    const c = ax * Math.cos(th);
    const wv = w * ay * Math.cos(th);
    const l = Math.floor(v);
    cardinals(b, v - l, bv);
    // The chord's weights along x, once; then into each of the 2q rows its y cardinals reach.
    rec.clear();
    if (kind === 'value') addInterval(b, rec, -c, c, 1);
    else {
      addPoint(b, rec, c, 1);
      addPoint(b, rec, -c, -1);
    }
    for (let j = 0; j < 2 * q; j++) {
      const t = l - q + 1 + j;
      if (t < -T || t > T) continue;
      rec.replay(accs[t + T], wv * bv[j]);
    }
  };
  for (let i = 0; i + 1 < cuts.length; i++) {
    const width = cuts[i + 1] - cuts[i];
    if (width > 0) forEachGL(width <= NARROW_PIECE ? GL6 : GL12, cuts[i], cuts[i + 1], visit);
  }
  const norm = kind === 'value' ? 1 / (Math.PI * ax * ay) : 1 / (Math.PI * ax * ay * dxUnit);
  const w = new Float64Array((2 * T + 1) * (2 * S + 1));
  accs.forEach((acc, r) => acc.writeTo(w, r * (2 * S + 1), norm));
  return { T, S, w };
}

export function transposeDense(d: Dense2D): Dense2D {
  const { T, S } = d;
  const W = 2 * S + 1;
  const H = 2 * T + 1;
  const w = new Float64Array(H * W);
  for (let r = 0; r < H; r++) for (let c = 0; c < W; c++) w[c * H + r] = d.w[r * W + c];
  return { T: S, S: T, w };
}

/**
 * Whether the disk goes by FFT. The FFT path works on the whole grid's lattice whatever rows are
 * asked for, and the choice is made for the whole grid: row blocks then give the same numbers, bit
 * for bit (but each block samples f on the whole lattice: `diskUsesFft` tells a planner so).
 */
function diskFftChosen(
  compiled: Compiled[],
  method: 'auto' | 'fft' | 'direct' | undefined,
  ny: number,
  nx: number,
  my: number,
  T: number,
  cols: number,
): boolean {
  return method === 'fft' || (method !== 'direct' && fftPays(compiled, (ny - 1) * my + 2 * T + 1, cols, ny, nx));
}

/**
 * Whether `smoothDisk` takes the FFT path for g alone (`what` 'value') or ∇g alone ('gradient') on
 * this grid, its lattice refined mx × my: the same choice from the same stencils, without sampling
 * f. A grid whose disk goes by FFT is not worth cutting into row blocks.
 */
export function diskUsesFft(
  b: CellBasis,
  nx: number,
  ny: number,
  radius: number,
  dx: number,
  dy: number,
  mx: number,
  my: number,
  method?: 'auto' | 'fft' | 'direct',
  what: 'value' | 'gradient' = 'value',
): boolean {
  if (method === 'fft' || method === 'direct') return method === 'fft';
  const ax = radius / dx;
  const ay = radius / dy;
  const compiled =
    what === 'value'
      ? [compile(diskStencil(b, ax, ay, 'value', 1), 1, 1)]
      : [compile(diskStencil(b, ax, ay, 'dx', dx), -1, 1), compile(transposeDense(diskStencil(b, ay, ax, 'dx', dy)), 1, -1)];
  const T = Math.max(...compiled.map((c) => c.T));
  const S = Math.max(...compiled.map((c) => c.S));
  return diskFftChosen(compiled, method, ny, nx, my, T, (nx - 1) * mx + 2 * S + 1);
}

/** g and ∇g for the uniform disk of the context's radius, into and as `c.result`. */
export function smoothDisk(c: SmoothingContext): GridSmoothing {
  const { loss, xa, ya, radius, noise, opts, from, to, nx, mx, my, dx, dy, b, fRef, wantValues, wantGrad, progress, result } = c;
  const ax = radius / dx;
  const ay = radius / dy;
  const dV = wantValues ? diskStencil(b, ax, ay, 'value', 1) : undefined;
  const dX = wantGrad ? diskStencil(b, ax, ay, 'dx', dx) : undefined;
  const dY = wantGrad ? transposeDense(diskStencil(b, ay, ax, 'dx', dy)) : undefined;
  const stV = dV && compile(dV, 1, 1);
  const stX = dX && compile(dX, -1, 1);
  const stY = dY && compile(dY, 1, -1);
  const T = Math.max(stV?.T ?? 0, stX?.T ?? 0, stY?.T ?? 0);
  const S = Math.max(stV?.S ?? 0, stX?.S ?? 0, stY?.S ?? 0);
  const cols = (nx - 1) * mx + 2 * S + 1;
  const compiled = [stV, stX, stY].filter((c) => c !== undefined);
  const useFft = diskFftChosen(compiled, opts.method, ya.n, nx, my, T, cols);
  if (!useFft) return directByRows(c, stV, stX, stY, T, S);
  const lat = sampleLattice(
    loss,
    xa,
    ya,
    mx,
    my,
    -T,
    (ya.n - 1) * my + T,
    -S,
    (nx - 1) * mx + S,
    fRef,
    false,
    progress ? (done, total) => progress((0.5 * done) / total) : undefined,
  );
  result.evaluations = lat.rows * lat.cols + 1;
  nonFiniteRule(lat, result, radius, noise, opts);
  if (!lat.nonFinite) {
    const fft = fftStencils(lat, [dV, dX, dY], from, to, mx, my, nx, radius, progress);
    if (fft) {
      result.method = 'fft';
      if (fft[0]) result.values = fft[0].map((v) => v + fRef);
      if (fft[1] && fft[2]) {
        result.gradX = fft[1];
        result.gradY = fft[2];
      }
      return result;
    }
  }
  result.method = 'direct';
  if (stV && !lat.P) addPrefixSums(lat);
  // The second half of the progress: the stencils, one after the other.
  const stencils = compiled.length;
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

/**
 * The direct path row by row: the lattice rows each output row needs (2T + 1 around it) are
 * sampled in order into a ring of that many rows (`latticeSampler`), with their prefix sums when
 * g is wanted, and g, ∂g/∂x, ∂g/∂y of the row are summed from it (`applyStencilRow`) before the
 * next my rows are sampled over the oldest. The same samples, stencils and sums, in the same order,
 * as sampling the block's whole lattice first (`sampleLattice`, `applyStencil`): the same numbers,
 * bit for bit; but 2T + 1 rows of F and P instead of the block's (to − from − 1)·my + 2T + 1 (on
 * 201 × 201 at a = 0.3: 0.6 MB instead of 9.7 MB for a half grid, all in fresh pages, which cost
 * ~3.5 ms per MB to touch here, and out of cache).
 */
function directByRows(
  c: SmoothingContext,
  stV: Compiled | undefined,
  stX: Compiled | undefined,
  stY: Compiled | undefined,
  T: number,
  S: number,
): GridSmoothing {
  const { loss, xa, ya, radius, noise, opts, from, to, nx, mx, my, fRef, progress, result } = c;
  const slots = 2 * T + 1;
  const rFrom = from * my - T;
  const rTo = (to - 1) * my + T;
  const sampler = latticeSampler(loss, xa, ya, mx, my, rFrom, rTo, -S, (nx - 1) * mx + S, fRef, slots, stV !== undefined);
  const { lat } = sampler;
  const rows = (to - from) * nx;
  const values = stV ? new Float64Array(rows) : undefined;
  const gradX = stX && stY ? new Float64Array(rows) : undefined;
  const gradY = stX && stY ? new Float64Array(rows) : undefined;
  let sampled = 0;
  for (let iy = from; iy < to; iy++) {
    // Output row iy is centred on local lattice row (iy − from)·my + T and reads T rows each side.
    const centre = (iy - from) * my + T;
    while (sampled <= centre + T) {
      sampler.sampleRow(sampled++);
      progress?.((0.5 * sampled) / lat.rows + (0.5 * (iy - from)) / (to - from));
    }
    const off = (iy - from) * nx;
    if (values) applyStencilRow(lat, stV!, centre, slots, mx, nx, fRef, values, off);
    if (gradX && gradY) {
      applyStencilRow(lat, stX!, centre, slots, mx, nx, 0, gradX, off);
      applyStencilRow(lat, stY!, centre, slots, mx, nx, 0, gradY, off);
    }
    progress?.((0.5 * sampled) / lat.rows + (0.5 * (iy + 1 - from)) / (to - from));
  }
  result.evaluations = lat.rows * lat.cols + 1;
  // Every row is sampled before the rule: its message counts the non-finite samples of them all.
  nonFiniteRule(lat, result, radius, noise, opts);
  result.method = 'direct';
  if (values) result.values = values;
  if (gradX && gradY) {
    result.gradX = gradX;
    result.gradY = gradY;
  }
  return result;
}
