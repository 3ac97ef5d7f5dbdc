/** The paper's Figure 3 histogram of final iterates, for every method of a run. */
import type { Box, Histogram, MethodResult, RunConfig } from './types';
import { linspace } from './landscape';
import { distance } from './geometry';

export interface HistogramOptions {
  /** d > 2: distances ‖y_T − x*‖ are binned (default: the domain centre). */
  xStar?: ArrayLike<number>;
}

/** Bins per axis of 2-D histograms and of the d > 2 distance histogram. */
const HISTOGRAM_BINS = 40;

/** The most bins of a 1-D histogram: `histogramBin` is widened to (domain width) / this when needed. */
export const MAX_BINS_1D = 10_000;

/** Bin of v among equal-width `edges` (the top edge counts in the last bin); −1 outside. */
function binOf(edges: number[], v: number): number {
  const nb = edges.length - 1;
  if (!(v >= edges[0] && v <= edges[nb])) return -1;
  const k = Math.floor(((v - edges[0]) / (edges[nb] - edges[0])) * nb);
  return Math.min(nb - 1, k);
}

function count1(edges: number[], values: number[]): number[] {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const v of values) {
    const k = binOf(edges, v);
    if (k >= 0) counts[k]++;
  }
  return counts;
}

function count2(edges: number[], edgesY: number[], points: number[][]): number[][] {
  const grid = Array.from({ length: edgesY.length - 1 }, () => new Array<number>(edges.length - 1).fill(0));
  for (const p of points) {
    const ix = binOf(edges, p[0]);
    const iy = binOf(edgesY, p[1]);
    if (ix >= 0 && iy >= 0) grid[iy][ix]++;
  }
  return grid;
}

/** Column sums of a [iy][ix] grid: the x-marginal. */
const marginal = (grid: number[][]) => grid[0].map((_, ix) => grid.reduce((s, row) => s + row[ix], 0));

/**
 * Final points of the non-diverged trials (each method's `finals`: y_T, or x_T for the optimizers
 * beyond SGD), binned, for every method on the same edges. 1-D: bins of config.histogramBin from
 * domain.low (the last edge may pass domain.high), widened to at most MAX_BINS_1D bins; 2-D: 40 × 40 bins over the domain in
 * counts2d[iy][ix] with the x-marginal in counts; d > 2: 40 bins of ‖final − x*‖ over [0, domain
 * diameter]. Points outside the edges are not counted (success.ts counts them as outside); the top
 * edge counts in the last bin. `sgd` / `gd` repeat the methods of those roles (`gd` is [] without).
 */
export function finalHistogram(
  config: RunConfig,
  methods: MethodResult[],
  roles: { sgd: number; gd: number },
  domain: Box,
  opts: HistogramOptions = {},
): Histogram {
  const pick = (m: MethodResult) => m.finals.filter((_, t) => !m.divergedMask[t]);
  return binPoints(config, domain, methods.map(pick), roles, opts);
}

/**
 * Any points binned on the edges `finalHistogram` uses for this run (the same bins, so views of
 * one run compare), one array of points per method: where the trials are after a stage, or the
 * trials done so far while a run goes. Points with a non-finite coordinate (a trial that diverged)
 * are not counted.
 */
export function binPoints(
  config: RunConfig,
  domain: Box,
  points: number[][][],
  roles: { sgd: number; gd: number },
  opts: HistogramOptions = {},
): Histogram {
  const d = config.dim;
  let per: Array<{ counts: number[]; counts2d?: number[][] }>;
  let edges: number[];
  let edgesY: number[] | undefined;
  if (d === 1) {
    if (!(config.histogramBin > 0)) throw new RangeError(`histogramBin must be > 0, got ${config.histogramBin}`);
    // At most MAX_BINS_1D bins: on a wide domain the bins widen (a domain of ±2·10⁵ at 0.06 made
    // 6.7 million of them, 111 MB of RESULT.json).
    const width = domain.high[0] - domain.low[0];
    const bin = Math.max(config.histogramBin, width / MAX_BINS_1D);
    const nb = Math.max(1, Math.ceil(width / bin - 1e-9));
    edges = Array.from({ length: nb + 1 }, (_, k) => domain.low[0] + k * bin);
    per = points.map((m) => ({
      counts: count1(
        edges,
        m.map((p) => p[0]),
      ),
    }));
  } else if (d === 2) {
    edges = linspace(domain.low[0], domain.high[0], HISTOGRAM_BINS + 1);
    const ey = linspace(domain.low[1], domain.high[1], HISTOGRAM_BINS + 1);
    edgesY = ey;
    per = points.map((m) => {
      const counts2d = count2(edges, ey, m);
      return { counts: marginal(counts2d), counts2d };
    });
  } else {
    const centre = opts.xStar ?? domain.low.map((l, j) => (l + domain.high[j]) / 2);
    edges = linspace(0, distance(domain.low, domain.high), HISTOGRAM_BINS + 1);
    per = points.map((m) => ({
      counts: count1(
        edges,
        m.map((p) => distance(p, centre)),
      ),
    }));
  }
  const sgd = per[roles.sgd];
  const gd = roles.gd >= 0 ? per[roles.gd] : undefined;
  const h: Histogram = { edges, sgd: sgd.counts, gd: gd ? gd.counts : [], methods: per };
  if (edgesY) {
    h.edgesY = edgesY;
    h.sgd2d = sgd.counts2d;
    if (gd) h.gd2d = gd.counts2d;
  }
  return h;
}
