/**
 * A radix-2 complex FFT (iterative, in place, tables cached per size), its stages fused in pairs
 * (one pass over the data per two stages): one transform of a contiguous stretch (`fft`), or every
 * column of a row-major array at once (`fftColumns`). Used by `latticeFft.ts`.
 */

/** A radix-2 complex FFT of size n: bit-reversal table and twiddles e^{−2πik/n}, k < n/2. */
export interface Plan {
  n: number;
  rev: Uint32Array;
  cos: Float64Array;
  sin: Float64Array;
}

const plans = new Map<number, Plan>();

export function plan(n: number): Plan {
  let p = plans.get(n);
  if (p) return p;
  const bits = Math.round(Math.log2(n));
  const rev = new Uint32Array(n);
  for (let i = 0; i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    rev[i] = r;
  }
  const cos = new Float64Array(n >> 1);
  const sin = new Float64Array(n >> 1);
  for (let k = 0; k < n >> 1; k++) {
    cos[k] = Math.cos((2 * Math.PI * k) / n);
    sin[k] = Math.sin((2 * Math.PI * k) / n);
  }
  p = { n, rev, cos, sin };
  plans.set(n, p);
  return p;
}

/**
 * In-place FFT of `width` interleaved transforms: element i of transform k at
 * re/im[off + i·width + k] (width 1: one contiguous transform). Forward e^{−2πijk/n}, or inverse
 * e^{+2πijk/n} unscaled. After the bit reversal, the radix-2 stages run two at a time: sub-FFTs of
 * length L at a0 … a3 = a0 + 3L become one of length 4L with twiddles W_{2L}^j, W_{4L}^j and
 * W_{4L}^{j+L} = ∓i·W_{4L}^j.
 */
function transform(p: Plan, re: Float64Array, im: Float64Array, off: number, width: number, inverse: boolean): void {
  const { n, rev, cos, sin } = p;
  for (let i = 0; i < n; i++) {
    const j = rev[i];
    if (j > i) {
      const a = off + i * width;
      const b = off + j * width;
      for (let k = 0; k < width; k++) {
        const tr = re[a + k];
        re[a + k] = re[b + k];
        re[b + k] = tr;
        const ti = im[a + k];
        im[a + k] = im[b + k];
        im[b + k] = ti;
      }
    }
  }
  const sign = inverse ? 1 : -1;
  let L = 1;
  if (Math.round(Math.log2(n)) % 2 === 1) {
    // One plain stage of size 2 (twiddle 1) so the rest pair up.
    for (let start = 0; start < n; start += 2) {
      const a = off + start * width;
      const b = a + width;
      for (let k = 0; k < width; k++) {
        const xr = re[b + k];
        const xi = im[b + k];
        re[b + k] = re[a + k] - xr;
        im[b + k] = im[a + k] - xi;
        re[a + k] += xr;
        im[a + k] += xi;
      }
    }
    L = 2;
  }
  for (; 4 * L <= n; L *= 4) {
    const s1 = n / (2 * L);
    const s2 = n / (4 * L);
    const stride = L * width;
    for (let start = 0; start < n; start += 4 * L) {
      for (let j = 0; j < L; j++) {
        const w1r = cos[j * s1];
        const w1i = sign * sin[j * s1];
        const w2r = cos[j * s2];
        const w2i = sign * sin[j * s2];
        const a0 = off + (start + j) * width;
        const a1 = a0 + stride;
        const a2 = a1 + stride;
        const a3 = a2 + stride;
        for (let k = 0; k < width; k++) {
          const x0r = re[a0 + k];
          const x0i = im[a0 + k];
          const x1r = re[a1 + k];
          const x1i = im[a1 + k];
          const x2r = re[a2 + k];
          const x2i = im[a2 + k];
          const x3r = re[a3 + k];
          const x3i = im[a3 + k];
          // Stage of size 2L: (a0, a1) and (a2, a3) with W_{2L}^j.
          const y1r = x1r * w1r - x1i * w1i;
          const y1i = x1r * w1i + x1i * w1r;
          const y3r = x3r * w1r - x3i * w1i;
          const y3i = x3r * w1i + x3i * w1r;
          const t0r = x0r + y1r;
          const t0i = x0i + y1i;
          const t1r = x0r - y1r;
          const t1i = x0i - y1i;
          const t2r = x2r + y3r;
          const t2i = x2i + y3i;
          const t3r = x2r - y3r;
          const t3i = x2i - y3i;
          // Stage of size 4L: (a0, a2) with W_{4L}^j, (a1, a3) with ∓i·W_{4L}^j.
          const u2r = t2r * w2r - t2i * w2i;
          const u2i = t2r * w2i + t2i * w2r;
          const u3r = t3r * w2r - t3i * w2i;
          const u3i = t3r * w2i + t3i * w2r;
          // ∓i·u3: forward (sign −1) multiplies by −i, inverse by +i.
          const v3r = -sign * u3i;
          const v3i = sign * u3r;
          re[a0 + k] = t0r + u2r;
          im[a0 + k] = t0i + u2i;
          re[a2 + k] = t0r - u2r;
          im[a2 + k] = t0i - u2i;
          re[a1 + k] = t1r + v3r;
          im[a1 + k] = t1i + v3i;
          re[a3 + k] = t1r - v3r;
          im[a3 + k] = t1i - v3i;
        }
      }
    }
  }
}

/** In-place FFT of re/im[off … off + n): forward e^{−2πijk/n}, or inverse e^{+2πijk/n} unscaled. */
export function fft(p: Plan, re: Float64Array, im: Float64Array, off: number, inverse: boolean): void {
  transform(p, re, im, off, 1, inverse);
}

/**
 * In-place FFT along the rows' axis of a row-major array with `width` values per row (rows
 * 0 … n − 1): every column is transformed, the butterflies running along whole rows.
 */
export function fftColumns(p: Plan, re: Float64Array, im: Float64Array, width: number, inverse: boolean): void {
  transform(p, re, im, 0, width, inverse);
}

/** The smallest power of 2 ≥ n. */
export function pow2AtLeast(n: number): number {
  let q = 1;
  while (q < n) q <<= 1;
  return q;
}
