/**
 * Where the trials end, as a density: a Gaussian kernel estimate of 2-D points on a grid and its
 * bandwidth. Pure (no DOM); unit-tested in test/unit/webview-density-bandwidth.test.ts against
 * closed forms (point masses, Gaussian samples, clusters).
 *
 * The bandwidth must suit both shapes the finals take: one cloud (SGD at a single minimum, the
 * sphere, Figure 3), where Scott's rule is the normal-reference optimum, and a few tight clusters
 * (GD on Himmelblau: four minima, every final on one of them), where any rule built on the spread
 * of the whole sample — Scott's, Silverman's min(σ, IQR/1.349) — measures the distance between
 * the clusters (h ≈ 1.7 on Himmelblau's [−5, 5]²) and draws the four as one blob. So the spread
 * that counts is read from the nearest-neighbour distances, which see the clusters' own density.
 */

/** Nearest-rank quantile q of sorted values. */
function sortedQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.max(0, Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1))))]!;
}

/**
 * The median nearest-neighbour distance among m points drawn from the standard 2-D normal, times
 * √(m − 1), for large m: √(2a) with a the root of (1 − e^(−a))/a = 1/2. (At a sample point the
 * density is U/(2π) with U uniform on (0, 1) — ‖x‖² is exponential with mean 2 — and the nearest of
 * the other m − 1 points is farther than t with probability exp(−(m − 1)·U·t²/2).)
 */
export const GAUSS_NN_MEDIAN = 1.7852866772818532;

/** Points the nearest-neighbour distances are measured among (a stride through the sample), and how many of them are asked. */
const NN_POINTS = 2000;
const NN_QUERIES = 400;

/** Robust per-axis scale: the smaller of the sample standard deviation and IQR/1.349 (the standard deviation when the IQR is 0). */
function robustScale(values: number[]): number {
  const n = values.length;
  const v = values.slice().sort((a, b) => a - b);
  const mean = v.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1));
  const iqr = (sortedQuantile(v, 0.75) - sortedQuantile(v, 0.25)) / 1.349;
  return iqr > 0 ? Math.min(sd, iqr) : sd;
}

/**
 * κ: the spread the points' nearest-neighbour distances imply, as a fraction of the spread of the
 * whole sample (both axes scaled by `scale` first): the median nearest-neighbour distance times
 * √(m − 1) / GAUSS_NN_MEDIAN. About 1 for a normal sample; for k equal clusters of spread σ_c each,
 * about √k·σ_c over the sample's spread, so a few tight clusters give a small κ; 0 when most
 * points coincide (GD's finals on exact minima). Measured among at most NN_POINTS points (a stride
 * through the sample), NN_QUERIES of them asked: at most 8·10⁵ distances.
 */
export function nearestNeighbourRatio(points: readonly (readonly number[])[], scale: [number, number]): number {
  const n = points.length;
  const m = Math.min(n, NN_POINTS);
  if (m < 2) return NaN;
  const xs = new Float64Array(m);
  const ys = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const p = points[Math.floor((i * n) / m)]!;
    xs[i] = p[0]! / scale[0];
    ys[i] = p[1]! / scale[1];
  }
  const q = Math.min(m, NN_QUERIES);
  const nearest: number[] = [];
  for (let k = 0; k < q; k++) {
    const i = Math.floor((k * m) / q);
    let best = Infinity;
    for (let j = 0; j < m; j++) {
      if (j === i) continue;
      const dx = xs[j]! - xs[i]!;
      const dy = ys[j]! - ys[i]!;
      const d2 = dx * dx + dy * dy;
      if (d2 < best) best = d2;
    }
    nearest.push(Math.sqrt(best));
  }
  nearest.sort((a, b) => a - b);
  const median = q % 2 === 1 ? nearest[(q - 1) / 2]! : (nearest[q / 2 - 1]! + nearest[q / 2]!) / 2;
  return (median * Math.sqrt(m - 1)) / GAUSS_NN_MEDIAN;
}

/**
 * Bandwidths [hx, hy] of a 2-D Gaussian kernel density estimate of `points` (non-finite ones left
 * out): h_j = κ · s_j · n^(−1/6), never below `floor` (a grid cell: a narrower kernel would fall
 * between the grid points), where
 * - s_j · n^(−1/6) is Scott's rule on axis j (the AMISE-optimal width for a normal sample in 2-D)
 *   with s_j the smaller of the standard deviation and IQR/1.349 (Silverman's guard against a few
 *   far points);
 * - κ = min(1, nearestNeighbourRatio): 1 on one cloud, so Scott's rule; on k separate clusters the
 *   width of the clusters' own spread (√k·σ_c·n^(−1/6), within k^(1/3) of each cluster's Scott
 *   width, where the whole sample's would be set by the distance between them); the floor when the
 *   finals sit on exact points.
 * With fewer than two points, all points equal, or one axis constant, κ is not measured: the floor
 * (all equal or fewer than two) or Scott's rule on the axis that varies.
 */
export function kdeBandwidth(points: readonly (readonly number[])[], floor: [number, number]): [number, number] {
  const pts = points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
  const n = pts.length;
  if (n < 2) return [floor[0], floor[1]];
  const s: [number, number] = [robustScale(pts.map((p) => p[0]!)), robustScale(pts.map((p) => p[1]!))];
  const kappa = s[0] > 0 && s[1] > 0 ? Math.min(1, nearestNeighbourRatio(pts, s)) : 1;
  const shrink = Math.pow(n, -1 / 6);
  return [Math.max(floor[0], kappa * s[0] * shrink), Math.max(floor[1], kappa * s[1] * shrink)];
}

/**
 * Gaussian kernel density estimate of 2-D points on the grid x × y: density[iy][ix] at
 * (x[ix], y[iy]), per unit area (over the whole plane it integrates to 1), bandwidths h; points
 * that are not finite are left out.
 * Kernels are cut at 5 h (the mass beyond is below 6·10⁻⁷ per axis).
 */
export function kde2d(points: readonly (readonly number[])[], x: readonly number[], y: readonly number[], h: [number, number]): number[][] {
  const density = y.map(() => new Array<number>(x.length).fill(0));
  const n = points.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1])).length;
  if (n === 0) return density;
  const [hx, hy] = h;
  const norm = 1 / (2 * Math.PI * hx * hy * n);
  const kx = new Float64Array(x.length);
  for (const p of points) {
    const px = p[0]!;
    const py = p[1]!;
    if (!Number.isFinite(px) || !Number.isFinite(py)) continue;
    for (let ix = 0; ix < x.length; ix++) {
      const u = (x[ix]! - px) / hx;
      kx[ix] = Math.abs(u) > 5 ? 0 : Math.exp(-0.5 * u * u);
    }
    for (let iy = 0; iy < y.length; iy++) {
      const w = (y[iy]! - py) / hy;
      if (Math.abs(w) > 5) continue;
      const ky = Math.exp(-0.5 * w * w) * norm;
      const row = density[iy]!;
      for (let ix = 0; ix < x.length; ix++) if (kx[ix]! > 0) row[ix]! += kx[ix]! * ky;
    }
  }
  return density;
}
