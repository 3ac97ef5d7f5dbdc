/**
 * Applying a wide 2-D stencil to the whole lattice of f samples at once, by FFT (see
 * `gridSmoothing.ts`): out(Y, X) = Σ_{t,s} W(t, s) F(Y + t, X + s) is a correlation, so with F and
 * W zero-padded to N_y × N_x (powers of 2, at least the lattice's size, so no wanted output wraps)
 * it is IFFT(F̂ · conj Ŵ). F̂ is computed once and serves every stencil of a smoothing (g, ∂x g,
 * ∂y g); only the wanted rows are transformed back along x.
 *
 * Cost: O(N_x N_y log(N_x N_y)) whatever the stencil's size, against direct sums whose cost grows
 * with the kernel's perimeter in lattice units per grid point. Error: the FFT's rounding, at most
 * about ε·log₂(N_x N_y)·‖F‖₂‖W‖₂ per value (`fftRoundingBound`); the caller uses it only where that
 * is negligible next to f's spread (a loss of huge dynamic range keeps the direct sums, whose
 * rounding is local).
 */
import type { Compiled, Dense2D } from './latticeStencils';
import type { Lattice } from './latticeApply';
import { fft, fftColumns, plan, pow2AtLeast } from './fft';

export { pow2AtLeast } from './fft';

/**
 * The 2-D spectrum of a real array (N_y × N_x after zero padding), half of it (k_x = 0 … N_x/2, the
 * rest is the conjugate), row-major by k_y: re/im[k_y·(N_x/2 + 1) + k_x].
 */
export interface Spectrum {
  nx: number;
  ny: number;
  re: Float64Array;
  im: Float64Array;
}

/**
 * The spectrum of the real array whose row r (0 ≤ r < ny) `load` writes into its argument (length
 * nx, zeroed; returning false for a row of zeros). Two rows go through one complex FFT.
 */
function spectrumOf(nx: number, ny: number, load: (r: number, row: Float64Array) => boolean, into?: Spectrum): Spectrum {
  const H = (nx >> 1) + 1;
  const out: Spectrum = into ?? { nx, ny, re: new Float64Array(H * ny), im: new Float64Array(H * ny) };
  if (into) {
    into.re.fill(0);
    into.im.fill(0);
  }
  const px = plan(nx);
  const zr = new Float64Array(nx);
  const zi = new Float64Array(nx);
  const { re, im } = out;
  for (let r = 0; r < ny; r += 2) {
    zr.fill(0);
    zi.fill(0);
    const has1 = load(r, zr);
    const has2 = r + 1 < ny && load(r + 1, zi);
    if (!has1 && !has2) continue;
    fft(px, zr, zi, 0, false);
    // Z = X₁ + iX₂ with X₁, X₂ the spectra of the two real rows: X₁(k) = (Z(k) + conj Z(−k))/2,
    // X₂(k) = (Z(k) − conj Z(−k))/2i.
    const o1 = r * H;
    const o2 = o1 + H;
    for (let k = 0; k < H; k++) {
      const m = (nx - k) & (nx - 1);
      const ar = zr[k];
      const ai = zi[k];
      const br = zr[m];
      const bi = -zi[m];
      re[o1 + k] = 0.5 * (ar + br);
      im[o1 + k] = 0.5 * (ai + bi);
      if (r + 1 < ny) {
        re[o2 + k] = 0.5 * (ai - bi);
        im[o2 + k] = -0.5 * (ar - br);
      }
    }
  }
  fftColumns(plan(ny), re, im, H, false);
  return out;
}

/** The spectrum of the lattice F (rows × cols, row-major), padded to ny × nx. */
export function latticeSpectrum(F: Float64Array, rows: number, cols: number, nx: number, ny: number): Spectrum {
  return spectrumOf(nx, ny, (r, row) => {
    if (r >= rows) return false;
    row.set(F.subarray(r * cols, (r + 1) * cols));
    return true;
  });
}

/**
 * out[j·count + i] = Σ_{t,s} W(t, s) F(outRows[j] + t, c0 + i·stride + s), lattice indices, for
 * every wanted row and the columns c0, c0 + stride, …: the correlation of F (given by its spectrum
 * `fHat`) with the stencil W. `work` (same shape as fHat) is overwritten. When the wanted rows
 * are `rowStep` apart, only every rowStep-th row is transformed back.
 */
export function correlate(
  fHat: Spectrum,
  W: Dense2D,
  outRows: ArrayLike<number>,
  c0: number,
  stride: number,
  count: number,
  work: Spectrum,
  rowStep = 1,
): Float64Array {
  const { nx, ny } = fHat;
  const H = (nx >> 1) + 1;
  const { T, S, w } = W;
  const width = 2 * S + 1;
  // W at (t mod N_y, s mod N_x): correlation becomes IFFT(F̂ · conj Ŵ).
  spectrumOf(
    nx,
    ny,
    (r, row) => {
      const t = r <= T ? r : r - ny;
      if (t < -T || t > T) return false;
      const o = (t + T) * width;
      for (let s = -S; s <= S; s++) row[(s + nx) & (nx - 1)] = w[o + s + S];
      return true;
    },
    work,
  );
  const { re, im } = work;
  const fr = fHat.re;
  const fi = fHat.im;
  for (let i = 0; i < re.length; i++) {
    const wr = re[i];
    const wi = -im[i];
    re[i] = fr[i] * wr - fi[i] * wi;
    im[i] = fr[i] * wi + fi[i] * wr;
  }
  // Back along y: the wanted rows are all ≡ ρ (mod m), so when m divides N_y only those N_y/m
  // rows are transformed: out(ρ + mj) = Σ_{k<M} Q(k) e^{2πikj/M}, M = N_y/m, with the spectrum
  // folded as Q(k) = Σ_l P(k + lM) e^{2πi(k + lM)ρ/N_y}.
  const m = rowStep > 1 && ny % rowStep === 0 && sameResidue(outRows, rowStep) ? rowStep : 1;
  const rho = m > 1 ? ((outRows[0] % m) + m) % m : 0;
  let rowOf = (y: number) => y * H;
  let br = re;
  let bi = im;
  if (m > 1) {
    const M = ny / m;
    br = new Float64Array(M * H);
    bi = new Float64Array(M * H);
    for (let k = 0; k < ny; k++) {
      const a = (2 * Math.PI * ((k * rho) % ny)) / ny;
      const c = Math.cos(a);
      const sn = Math.sin(a);
      const src = k * H;
      const dst = (k % M) * H;
      for (let x = 0; x < H; x++) {
        const pr = re[src + x];
        const pi = im[src + x];
        br[dst + x] += pr * c - pi * sn;
        bi[dst + x] += pr * sn + pi * c;
      }
    }
    fftColumns(plan(M), br, bi, H, true);
    rowOf = (y) => ((y - rho) / m) * H;
  } else fftColumns(plan(ny), re, im, H, true);
  // Back along x for the wanted rows only, two at a time (A + iB, both Hermitian).
  const px = plan(nx);
  const zr = new Float64Array(nx);
  const zi = new Float64Array(nx);
  const scale = 1 / (nx * ny);
  const out = new Float64Array(outRows.length * count);
  for (let j = 0; j < outRows.length; j += 2) {
    const o1 = rowOf(outRows[j]);
    const two = j + 1 < outRows.length;
    const o2 = two ? rowOf(outRows[j + 1]) : o1;
    for (let k = 0; k < H; k++) {
      const ar = br[o1 + k];
      const ai = bi[o1 + k];
      const cr = two ? br[o2 + k] : 0;
      const ci = two ? bi[o2 + k] : 0;
      zr[k] = ar - ci;
      zi[k] = ai + cr;
      if (k > 0 && k < nx - k) {
        zr[nx - k] = ar + ci;
        zi[nx - k] = cr - ai;
      }
    }
    fft(px, zr, zi, 0, true);
    for (let i = 0; i < count; i++) {
      const x = c0 + i * stride;
      out[j * count + i] = zr[x] * scale;
      if (two) out[(j + 1) * count + i] = zi[x] * scale;
    }
  }
  return out;
}

function sameResidue(rows: ArrayLike<number>, m: number): boolean {
  for (let j = 1; j < rows.length; j++) if ((rows[j] - rows[0]) % m !== 0) return false;
  return true;
}

/** An empty spectrum of the same shape, for `correlate`'s work space. */
export function spectrumLike(s: Spectrum): Spectrum {
  return { nx: s.nx, ny: s.ny, re: new Float64Array(s.re.length), im: new Float64Array(s.im.length) };
}

/**
 * A bound on the FFT correlation's rounding error per value: 3ε·log₂(N_x N_y)·‖F‖₂·‖W‖₂ (the
 * standard bound for FFT convolution, with room for the extra passes).
 */
export function fftRoundingBound(F: Float64Array, W: Dense2D, nx: number, ny: number): number {
  let f2 = 0;
  for (let i = 0; i < F.length; i++) f2 += F[i] * F[i];
  let w2 = 0;
  for (let i = 0; i < W.w.length; i++) w2 += W.w[i] * W.w[i];
  return 3 * Number.EPSILON * Math.log2(nx * ny) * Math.sqrt(f2 * w2);
}

/** Work of the FFT path in butterfly units, for choosing it over direct sums. */
export function fftWork(nx: number, ny: number, stencils: number, outRows: number): number {
  const H = (nx >> 1) + 1;
  const lx = Math.log2(nx);
  const ly = Math.log2(ny);
  const forward = (ny / 2) * nx * lx + H * ny * ly;
  const perStencil = forward + H * ny * ly + (outRows / 2) * nx * lx + 4 * H * ny;
  return forward + stencils * perStencil;
}

/**
 * Butterflies of the FFT path are worth this many multiply–adds of the direct sums: measured on
 * the default grid and on 101², disks of radius 0.5 … 3.5, with and without ∇g.
 */
const FFT_COST = 1.25;

/** Whether the FFT path does less work than direct sums of these compiled stencils. */
export function fftPays(stencils: Compiled[], rows: number, cols: number, outRows: number, nx: number): boolean {
  let direct = 0;
  for (const st of stencils) {
    st.rows.forEach((row, t) => {
      const np = row.pairS.length;
      const both = t > 0 ? 2 : 1;
      direct += nx * ((row.runHalf >= 0 ? 2 * both : 0) + (row.w0 !== 0 ? both : 0) + np * both) + (t > 0 && np * nx > cols ? cols : 0);
    });
  }
  direct *= outRows;
  return FFT_COST * fftWork(pow2AtLeast(cols), pow2AtLeast(rows), stencils.length, outRows) < direct;
}

/**
 * The dense stencils (undefined entries skipped) applied to the lattice (the whole grid's) by FFT
 * at the grid rows [from, to) and columns; undefined when the FFT's rounding bound is not negligible next to f's
 * spread on the grid (1e-10 of it; for gradients, of spread / radius).
 */
export function fftStencils(
  lat: Lattice,
  stencils: Array<Dense2D | undefined>,
  from: number,
  to: number,
  mx: number,
  my: number,
  nx: number,
  radius: number,
  progress?: (fraction: number) => void,
): Array<Float64Array | undefined> | undefined {
  const Nx = pow2AtLeast(lat.cols);
  const Ny = pow2AtLeast(lat.rows);
  const c0 = -lat.c0;
  const gridRows = (lat.rows - 1 - 2 * -lat.r0) / my + 1;
  // f's spread over the whole grid (the lattice is the whole grid's: see smoothGrid).
  let lo = Infinity;
  let hi = -Infinity;
  for (let iy = 0; iy < gridRows; iy++) {
    const o = (iy * my - lat.r0) * lat.cols + c0;
    for (let i = 0; i < nx; i++) {
      const v = lat.F[o + i * mx];
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  const spread = Math.max(hi - lo, Number.MIN_VALUE);
  for (const W of stencils) {
    if (!W) continue;
    // ∇g is about f's spread over the radius (x units, as the gradient stencils' weights are).
    const scale = W === stencils[0] ? 1 : 1 / radius;
    if (!(fftRoundingBound(lat.F, W, Nx, Ny) <= 1e-10 * spread * scale)) return undefined;
  }
  // Rows go back along x in the pairs (2k, 2k + 1) of the whole grid, whatever the block.
  const first = from - (from % 2);
  const last = Math.min(gridRows, to + ((to - first) % 2));
  const outRows = Int32Array.from({ length: last - first }, (_, j) => (first + j) * my - lat.r0);
  const pick = (a: Float64Array) => a.slice((from - first) * nx, (to - first) * nx);
  const fHat = latticeSpectrum(lat.F, lat.rows, lat.cols, Nx, Ny);
  const work = spectrumLike(fHat);
  const n = stencils.filter((w) => w).length;
  let done = 0;
  progress?.(0.6);
  return stencils.map((W) => {
    if (!W) return undefined;
    const out = pick(correlate(fHat, W, outRows, c0, mx, nx, work, my));
    progress?.(0.6 + (0.4 * ++done) / n);
    return out;
  });
}
