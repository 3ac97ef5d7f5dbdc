/**
 * The paper's diagnostics: one-point convexity of the smoothed loss toward x* (Assumption 1),
 * Theorem 1's prediction with estimated constants, the Figure 5 trajectory checks, and the
 * Figure 3 histogram of final iterates.
 */
import type {
  ConvexityMap,
  Diagnostics,
  Gradient,
  Histogram,
  Landscape,
  Loss,
  MethodResult,
  NoiseKind,
  RunConfig,
  Stage,
  Theorem1Prediction,
  TrajectoryDiagnostics,
  Box,
} from './types';
import { centralDifference, type Smoother } from './smoothing';
import { Normal, stream, uniformInBox } from './rng';
import { trialStarts } from './sgd';
import { linspace, smootherForRun } from './landscape';
import { smoothingRadii } from './config';

/**
 * c(y) = ⟨−∇g(y), x* − y⟩ / ‖x* − y‖² (NaN at x*). Only the derivative of g along x* − y is
 * needed, so this costs the same in any dimension. `h`: difference step for smoothers without an
 * exact gradient identity.
 */
export function onePointConvexity(smoother: Smoother, y: Float64Array, xStar: Float64Array, h?: number): number {
  return convexityAt(smoother, y, xStar, new Float64Array(y.length), h);
}

function convexityAt(smoother: Smoother, y: Float64Array, xStar: ArrayLike<number>, v: Float64Array, h?: number): number {
  let n2 = 0;
  for (let j = 0; j < y.length; j++) {
    v[j] = xStar[j] - y[j];
    n2 += v[j] * v[j];
  }
  if (n2 === 0) return NaN;
  return -smoother.directional(y, v, h) / n2;
}

/** Calls `visit(p, row, i)` for every landscape grid point, in the layout of Landscape.f. */
function forEachGridPoint(landscape: Landscape, dim: number, visit: (p: Float64Array, row: number, i: number) => void): void {
  const p = new Float64Array(dim);
  const { x } = landscape;
  if (dim === 1) {
    for (let i = 0; i < x.length; i++) {
      p[0] = x[i];
      visit(p, 0, i);
    }
  } else if (dim === 2) {
    const y = landscape.y ?? [];
    for (let iy = 0; iy < y.length; iy++) {
      for (let ix = 0; ix < x.length; ix++) {
        p[0] = x[ix];
        p[1] = y[iy];
        visit(p, iy, ix);
      }
    }
  } else {
    const origin = landscape.origin ?? [];
    const dirs = landscape.directions ?? [];
    for (let s = 0; s < dirs.length; s++) {
      for (let i = 0; i < x.length; i++) {
        for (let j = 0; j < dim; j++) p[j] = origin[j] + x[i] * dirs[s][j];
        visit(p, s, i);
      }
    }
  }
}

/** Largest grid step of the landscape (x, y or slice parameter). */
function gridSpacing(landscape: Landscape): number {
  const step = (a: number[] | undefined) => (a && a.length > 1 ? Math.abs(a[a.length - 1] - a[0]) / (a.length - 1) : 0);
  return Math.max(step(landscape.x), step(landscape.y));
}

function inBox(p: ArrayLike<number>, box: Box): boolean {
  for (let j = 0; j < p.length; j++) {
    const slack = 1e-12 * Math.max(1, Math.abs(box.low[j]), Math.abs(box.high[j]));
    if (!(p[j] >= box.low[j] - slack && p[j] <= box.high[j] + slack)) return false;
  }
  return true;
}

function distance(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) s += (a[j] - b[j]) ** 2;
  return Math.sqrt(s);
}

/**
 * c(y) on the landscape grid for one smoothing. The headline `c` is the infimum over grid points
 * inside the init box (where trials run) outside a ball around x* of radius max(2 grid spacings,
 * noise bound a). Inside that ball c(y) = ⟨−∇g, x* − y⟩/‖x* − y‖² divides by a vanishing distance:
 * when x* is not exactly the minimiser of g (the paper's Figure 3 f with x* = 0: g's minimiser is
 * 0.04–0.09 away) it dives to −20 there and hides what the rest of the region does. Theorem 1
 * cannot resolve that ball anyway: its radius √(20b/λ) > √20·a. Values come from ∇g via the
 * smoother's identity, not from differences of the landscape's g, whose grid step would bias them.
 */
export function convexityMap(
  loss: Loss,
  config: RunConfig,
  landscape: Landscape,
  xStar: ArrayLike<number>,
  radius: number,
  noise: NoiseKind,
): ConvexityMap {
  const d = config.dim;
  const smoother = smootherForRun(loss, config, radius, noise);
  const v = new Float64Array(d);
  const rows: number[][] = [];
  forEachGridPoint(landscape, d, (p, row, i) => {
    (rows[row] ??= [])[i] = convexityAt(smoother, p, xStar, v);
  });
  const values = d === 1 ? (rows[0] ?? []) : rows;
  return { radius, noise, values, ...regionConvexity(landscape, d, values, config.init, xStar, radius, noise) };
}

/**
 * inf c(y), where, and the fraction of c(y) > 0, over the grid points of a map inside `box` and
 * outside the ball of max(2 grid spacings, noise bound) around x* (see `convexityMap`). NaN when
 * no grid point qualifies.
 */
export function regionConvexity(
  landscape: Landscape,
  dim: number,
  values: number[] | number[][],
  box: Box,
  xStar: ArrayLike<number>,
  radius: number,
  noise: NoiseKind,
): Pick<ConvexityMap, 'c' | 'argInf' | 'positiveFraction'> {
  const exclusion = Math.max(2 * gridSpacing(landscape), noiseBound(radius, noise, dim));
  let inf = Infinity;
  let argInf: number[] = [];
  let inRegion = 0;
  let positive = 0;
  forEachGridPoint(landscape, dim, (p, row, i) => {
    const c = dim === 1 ? (values as number[])[i] : (values as number[][])[row][i];
    if (!inBox(p, box) || !(distance(p, xStar) > exclusion) || Number.isNaN(c)) return;
    inRegion++;
    if (c > 0) positive++;
    if (c < inf) {
      inf = c;
      argInf = Array.from(p);
    }
  });
  return { c: inRegion > 0 ? inf : NaN, argInf, positiveFraction: inRegion > 0 ? positive / inRegion : NaN };
}

/**
 * L ≈ max over the init box of the Hessian's spectral norm, by second differences: a fine grid in
 * 1-D (≥ 2001 points) and 2-D (resolution², at most 201²), and for d > 2 power iteration on
 * difference Hessian–vector products at 64 seeded points plus the box centre. It is a sample, so a
 * lower bound on the true L of a spiky loss.
 */
export function estimateSmoothness(loss: Loss, config: RunConfig): number {
  const d = config.dim;
  const { low, high } = config.init;
  const scale = (p: ArrayLike<number>) => {
    let m = 1;
    for (let j = 0; j < p.length; j++) m = Math.max(m, Math.abs(p[j]));
    return 1e-4 * m;
  };
  let L = 0;
  const p = new Float64Array(d);
  if (d === 1) {
    for (const x of linspace(low[0], high[0], Math.max(2001, config.resolution))) {
      const h = scale([x]);
      p[0] = x;
      const f0 = loss(p);
      p[0] = x + h;
      const fp = loss(p);
      p[0] = x - h;
      const fm = loss(p);
      L = Math.max(L, Math.abs((fp - 2 * f0 + fm) / (h * h)));
    }
    return L;
  }
  if (d === 2) {
    const n = Math.min(Math.max(config.resolution, 2), 201);
    const ys = linspace(low[1], high[1], n);
    for (const x of linspace(low[0], high[0], n)) {
      for (const y of ys) {
        const h = scale([x, y]);
        const f = (dx: number, dy: number) => {
          p[0] = x + dx;
          p[1] = y + dy;
          return loss(p);
        };
        const f0 = f(0, 0);
        const a = (f(h, 0) - 2 * f0 + f(-h, 0)) / (h * h);
        const c = (f(0, h) - 2 * f0 + f(0, -h)) / (h * h);
        const b = (f(h, h) - f(h, -h) - f(-h, h) + f(-h, -h)) / (4 * h * h);
        // Spectral norm of [[a, b], [b, c]]: the larger |eigenvalue|.
        const norm = Math.abs((a + c) / 2) + Math.hypot((a - c) / 2, b);
        L = Math.max(L, norm);
      }
    }
    return L;
  }
  const rng = stream(config.seed, 'smoothness');
  const normal = new Normal(rng);
  const points: Float64Array[] = [Float64Array.from(low, (l, j) => (l + high[j]) / 2)];
  for (let k = 0; k < 64; k++) points.push(uniformInBox(rng, low, high, new Float64Array(d)));
  const g1 = new Float64Array(d);
  const g2 = new Float64Array(d);
  const hv = new Float64Array(d);
  const vec = new Float64Array(d);
  for (const x of points) {
    const eps = scale(x) * 10;
    const hessVec = (v: Float64Array) => {
      for (let j = 0; j < d; j++) p[j] = x[j] + eps * v[j];
      centralDifference(loss, p, g1);
      for (let j = 0; j < d; j++) p[j] = x[j] - eps * v[j];
      centralDifference(loss, p, g2);
      for (let j = 0; j < d; j++) hv[j] = (g1[j] - g2[j]) / (2 * eps);
    };
    for (let j = 0; j < d; j++) vec[j] = normal.next();
    let norm = 0;
    for (let it = 0; it < 30; it++) {
      const vn = Math.hypot(...vec);
      if (!(vn > 0)) break;
      for (let j = 0; j < d; j++) vec[j] /= vn;
      hessVec(vec);
      norm = Math.hypot(...hv);
      vec.set(hv);
    }
    if (Number.isFinite(norm)) L = Math.max(L, norm);
  }
  return L;
}

/**
 * x-space noise bound ‖ηω‖ ≤ a_eff of a law, the paper's ηr: the ball radius (uniform), the
 * cube's half-diagonal a√d, and for the Gaussian the second-moment bound √(E‖ηω‖²) = σ√d (the
 * paper's early version assumes E‖ω‖² ≤ r²). All equal `radius` in 1-D.
 */
export function noiseBound(radius: number, noise: NoiseKind, dim: number): number {
  if (noise === 'none') return 0;
  return noise === 'uniform' ? radius : radius * Math.sqrt(dim);
}

function median(values: number[]): number {
  const s = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const fmt = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v));

/**
 * Theorem 1 for stage `stageIndex` with estimated L and c: λ = 2ηc − η²L², b = (ηr)²(1 + ηL)²,
 * T1 = log(λ‖y0 − x*‖²/b)/λ (median start distance; x0 stands in for y0 = x0 − η∇f(x0)), ball
 * √(20b/λ). Undefined quantities (λ ≤ 0) are NaN. A stage's starts are the ones SGD used: its own
 * box draws when it restarts, else the trials' x0 (stage 0) or the previous stage's finals.
 */
export function theorem1(
  config: RunConfig,
  stageIndex: number,
  L: number,
  c: number,
  xStar: ArrayLike<number>,
  sgd: MethodResult,
): Theorem1Prediction {
  const stage = config.stages[stageIndex];
  const eta = stage.lr;
  const a = noiseBound(stage.radius, stage.noise, config.dim);
  const b = a * a * (1 + eta * L) ** 2;
  const lambda = 2 * eta * c - eta * eta * L * L;
  const lrBound = c > 0 ? Math.min(1 / (2 * L), c / (L * L), 1 / (2 * c)) : 0;
  const conditionHolds = c > 0 && eta < lrBound;

  let starts: ArrayLike<number>[];
  if (stage.init) starts = trialStarts(config, stageIndex);
  else if (stageIndex === 0) starts = sgd.starts;
  else starts = sgd.stageFinals[stageIndex - 1] ?? [];
  const d0 = median(starts.map((s) => distance(s, xStar)));

  const predicted = lambda > 0 && b > 0;
  const T1 = predicted ? Math.max(0, Math.log((lambda * d0 * d0) / b) / lambda) : NaN;
  const ballRadius = predicted ? Math.sqrt((20 * b) / lambda) : NaN;
  const finals = sgd.stageFinals[stageIndex] ?? [];
  const observedInside =
    predicted && finals.length > 0 ? finals.filter((y) => distance(y, xStar) <= ballRadius).length / finals.length : NaN;

  let explanation: string;
  const where = `the landscape smoothed at radius ${fmt(stage.radius)}`;
  if (Number.isNaN(c)) {
    explanation = `c could not be estimated: no grid point of the start region lies outside the small ball around x*.`;
  } else if (c <= 0) {
    explanation = `c = ${fmt(c)} ≤ 0: ${where} does not point to x* everywhere in the start region, ` + `so Theorem 1 does not apply.`;
  } else if (!predicted) {
    explanation =
      `c = ${fmt(c)}, L = ${fmt(L)}: η = ${fmt(eta)} is too large for Theorem 1 ` +
      `(λ = 2ηc − η²L² = ${fmt(lambda)} ≤ 0; the theorem needs η < ${fmt(lrBound)}).`;
  } else {
    explanation =
      `predicted: within ${fmt(ballRadius)} of x* after ${Math.ceil(T1)} steps` +
      (T1 > stage.steps ? ` (the stage has only ${stage.steps})` : '') +
      `; observed ${Math.round(100 * observedInside)}% of trials inside (the theorem promises ≥ 50%).`;
    if (!conditionHolds) {
      explanation += ` η = ${fmt(eta)} exceeds the theorem's bound ${fmt(lrBound)} (c = ${fmt(c)}, L = ${fmt(L)}), so this is an extrapolation, not a guarantee.`;
    }
  }
  return {
    stage: stageIndex,
    lr: eta,
    radius: stage.radius,
    L,
    c,
    conditionHolds,
    lrBound,
    lambda,
    b,
    T1,
    ballRadius,
    observedInside,
    explanation,
  };
}

/** ∇f by the user's gradient when given, else central differences (config.fdStep, 0 = automatic). */
export function lossGradient(loss: Loss, grad: Gradient | undefined, config: RunConfig): Gradient {
  if (grad) return grad;
  const h = config.fdStep > 0 ? config.fdStep : undefined;
  const scratch = new Float64Array(config.dim);
  return (x, out) => {
    scratch.set(x);
    centralDifference(loss, scratch, out, h);
  };
}

interface Stats {
  min: number;
  max: number;
  sum: number;
  n: number;
}
const emptyStats = (): Stats => ({ min: Infinity, max: -Infinity, sum: 0, n: 0 });
function add(s: Stats, v: number): void {
  if (!Number.isFinite(v)) return;
  s.min = Math.min(s.min, v);
  s.max = Math.max(s.max, v);
  s.sum += v;
  s.n++;
}
const mean = (s: Stats) => (s.n ? s.sum / s.n : NaN);
const lo = (s: Stats) => (s.n ? s.min : NaN);
const hi = (s: Stats) => (s.n ? s.max : NaN);

export interface TrajectoryOptions {
  /** Label of the probe points' stream under config.seed (default 'probes'). */
  seed?: string;
}

/**
 * Figure 5 of the paper along the SGD trials (diverged ones left out), per checkpoint t with x_T
 * the trial's final x: (a) ⟨−∇f(x_t), x_T − x_t⟩, min and mean; (b) ⟨−∇f(w), x_T − x_t⟩ at
 * config.probeSamples points w uniform in the ball of config.probeRadius around x_t; (c) the
 * recorded stochastic-gradient norms.
 */
export function trajectoryDiagnostics(
  loss: Loss,
  grad: Gradient | undefined,
  config: RunConfig,
  sgd: MethodResult,
  opts: TrajectoryOptions = {},
): TrajectoryDiagnostics {
  const d = config.dim;
  const gradient = lossGradient(loss, grad, config);
  const rng = stream(config.seed, opts.seed ?? 'probes');
  const normal = new Normal(rng);
  const gOut = new Float64Array(d);
  const w = new Float64Array(d);
  const dir = new Float64Array(d);
  const steps = sgd.checkpointSteps;
  const out: TrajectoryDiagnostics = {
    steps: [...steps],
    innerMin: [],
    innerMean: [],
    probeMean: [],
    probeMin: [],
    probeMax: [],
    gradNormMean: [],
    gradNormMin: [],
    gradNormMax: [],
  };
  const inner = (at: Float64Array, xt: number[], xT: number[]) => {
    gradient(at, gOut);
    let s = 0;
    for (let j = 0; j < d; j++) s -= gOut[j] * (xT[j] - xt[j]);
    return s;
  };
  for (let c = 0; c < steps.length; c++) {
    const a = emptyStats();
    const b = emptyStats();
    const gn = emptyStats();
    for (let t = 0; t < sgd.checkpoints.length; t++) {
      if (sgd.divergedMask[t]) continue;
      const xt = sgd.checkpoints[t][c];
      const xT = sgd.finalX[t];
      if (!xt || !xT) continue;
      w.set(xt);
      add(a, inner(w, xt, xT));
      for (let s = 0; s < config.probeSamples; s++) {
        let n2 = 0;
        for (let j = 0; j < d; j++) {
          dir[j] = normal.next();
          n2 += dir[j] * dir[j];
        }
        const r = (config.probeRadius * Math.pow(rng(), 1 / d)) / Math.sqrt(n2);
        for (let j = 0; j < d; j++) w[j] = xt[j] + r * dir[j];
        add(b, inner(w, xt, xT));
      }
      add(gn, sgd.stochasticGradNorm[t]?.[c] ?? NaN);
    }
    out.innerMin.push(lo(a));
    out.innerMean.push(mean(a));
    out.probeMean.push(mean(b));
    out.probeMin.push(lo(b));
    out.probeMax.push(hi(b));
    out.gradNormMean.push(mean(gn));
    out.gradNormMin.push(lo(gn));
    out.gradNormMax.push(hi(gn));
  }
  return out;
}

export interface HistogramOptions {
  /** d > 2: distances ‖y_T − x*‖ are binned (default: the domain centre). */
  xStar?: ArrayLike<number>;
  /** Which final point to bin: y_T (`finals`, default; what Theorem 1 bounds) or x_T (`finalX`). */
  points?: 'finals' | 'finalX';
}

/** Bins per axis of 2-D histograms and of the d > 2 distance histogram. */
const HISTOGRAM_BINS = 40;

/**
 * Final iterates of the non-diverged trials, binned. 1-D: bins of config.histogramBin from
 * domain.low (the last edge may pass domain.high); 2-D: 40 × 40 bins over the domain in sgd2d[iy][ix]
 * with the x-marginal in sgd; d > 2: 40 bins of ‖y_T − x*‖ over [0, domain diameter]. Points
 * outside the edges are not counted; the top edge counts in the last bin. `gd` is [] without GD.
 */
export function finalHistogram(
  config: RunConfig,
  sgd: MethodResult,
  gd: MethodResult | undefined,
  domain: Box,
  opts: HistogramOptions = {},
): Histogram {
  const d = config.dim;
  const pick = (m: MethodResult) => (opts.points === 'finalX' ? m.finalX : m.finals).filter((_, t) => !m.divergedMask[t]);
  const binOf = (edges: number[], v: number) => {
    const nb = edges.length - 1;
    if (!(v >= edges[0] && v <= edges[nb])) return -1;
    const k = Math.floor(((v - edges[0]) / (edges[nb] - edges[0])) * nb);
    return Math.min(nb - 1, k);
  };
  const count1 = (edges: number[], values: number[]) => {
    const counts = new Array<number>(edges.length - 1).fill(0);
    for (const v of values) {
      const k = binOf(edges, v);
      if (k >= 0) counts[k]++;
    }
    return counts;
  };
  if (d === 1) {
    const bin = config.histogramBin;
    if (!(bin > 0)) throw new RangeError(`histogramBin must be > 0, got ${bin}`);
    const nb = Math.max(1, Math.ceil((domain.high[0] - domain.low[0]) / bin - 1e-9));
    const edges = Array.from({ length: nb + 1 }, (_, k) => domain.low[0] + k * bin);
    return {
      edges,
      sgd: count1(
        edges,
        pick(sgd).map((p) => p[0]),
      ),
      gd: gd
        ? count1(
            edges,
            pick(gd).map((p) => p[0]),
          )
        : [],
    };
  }
  if (d === 2) {
    const edges = linspace(domain.low[0], domain.high[0], HISTOGRAM_BINS + 1);
    const edgesY = linspace(domain.low[1], domain.high[1], HISTOGRAM_BINS + 1);
    const count2 = (points: number[][]) => {
      const grid = Array.from({ length: HISTOGRAM_BINS }, () => new Array<number>(HISTOGRAM_BINS).fill(0));
      for (const p of points) {
        const ix = binOf(edges, p[0]);
        const iy = binOf(edgesY, p[1]);
        if (ix >= 0 && iy >= 0) grid[iy][ix]++;
      }
      return grid;
    };
    const sgd2d = count2(pick(sgd));
    const gd2d = gd ? count2(pick(gd)) : undefined;
    const marginal = (grid: number[][]) => grid[0].map((_, ix) => grid.reduce((s, row) => s + row[ix], 0));
    return { edges, edgesY, sgd: marginal(sgd2d), gd: gd2d ? marginal(gd2d) : [], sgd2d, gd2d };
  }
  const centre = opts.xStar ?? domain.low.map((l, j) => (l + domain.high[j]) / 2);
  const edges = linspace(0, distance(domain.low, domain.high), HISTOGRAM_BINS + 1);
  const dist = (m: MethodResult) => pick(m).map((p) => distance(p, centre));
  return { edges, sgd: count1(edges, dist(sgd)), gd: gd ? count1(edges, dist(gd)) : [] };
}

/** Grid point with the smallest finite value of a landscape-shaped array ([] when none is finite). */
function gridArgmin(landscape: Landscape, dim: number, values: number[] | number[][]): number[] {
  let best = Infinity;
  let arg: number[] = [];
  forEachGridPoint(landscape, dim, (p, row, i) => {
    const v = dim === 1 ? (values as number[])[i] : (values as number[][])[row]?.[i];
    if (v !== undefined && v < best) {
      best = v;
      arg = Array.from(p);
    }
  });
  return arg;
}

/**
 * The default x*: the grid minimiser of the most smoothed curve (largest radius), or of f when
 * no stage has noise. Also used for the live view of a running experiment, so both agree.
 */
export function smoothedMinimum(landscape: Landscape, dim: number): number[] {
  const widest = landscape.smoothed.reduce<Landscape['smoothed'][number] | undefined>(
    (best, s) => (!best || s.radius > best.radius ? s : best),
    undefined,
  );
  return gridArgmin(landscape, dim, widest ? widest.values : landscape.f);
}

/** Default success neighbourhood: 5% of the domain diameter. */
export const SUCCESS_FRACTION = 0.05;

/**
 * Everything the panel shows beside the landscape. x*: the user's, else config.xStar, else the
 * grid minimiser of the most smoothed curve (largest radius; f without noisy stages). The success
 * radius is 5% of the domain diameter, or the last stage's Theorem 1 ball when that is smaller.
 */
export function computeDiagnostics(
  loss: Loss,
  grad: Gradient | undefined,
  config: RunConfig,
  landscape: Landscape,
  sgd: MethodResult,
  gd: MethodResult | undefined,
  userXStar?: number[],
): Diagnostics {
  const d = config.dim;
  let xStar: number[];
  let xStarSource: Diagnostics['xStarSource'];
  if (userXStar) {
    xStar = [...userXStar];
    xStarSource = 'user';
  } else if (config.xStar) {
    xStar = [...config.xStar];
    xStarSource = 'config';
  } else {
    xStar = smoothedMinimum(landscape, d);
    xStarSource = 'smoothed-minimum';
  }
  if (xStar.length !== d) throw new RangeError(`x* has ${xStar.length} components, expected ${d}`);

  const smoothings = smoothingRadii(config);
  const convexity = smoothings.map(({ radius, noise }) => convexityMap(loss, config, landscape, xStar, radius, noise));
  // A stage that restarts in its own box (Corollary 2's shrinking regions) is judged on that box.
  const stageC = (s: Stage) => {
    const map = convexity[smoothings.findIndex((m) => m.radius === s.radius && m.noise === s.noise)];
    if (!map) return NaN;
    return s.init ? regionConvexity(landscape, d, map.values, s.init, xStar, s.radius, s.noise).c : map.c;
  };
  const L = estimateSmoothness(loss, config);
  const theorem = config.stages.flatMap((s, k) =>
    s.noise === 'none' || !(s.radius > 0) ? [] : [theorem1(config, k, L, stageC(s), xStar, sgd)],
  );

  const diameter = distance(config.domain.low, config.domain.high);
  let successRadius = SUCCESS_FRACTION * diameter;
  const lastBall = theorem.find((t) => t.stage === config.stages.length - 1)?.ballRadius;
  if (lastBall !== undefined && Number.isFinite(lastBall) && lastBall < successRadius) successRadius = lastBall;
  const successes = (m: MethodResult | undefined) =>
    m ? m.finals.filter((y, t) => !m.divergedMask[t] && distance(y, xStar) <= successRadius).length : 0;

  return {
    xStar,
    xStarSource,
    c: convexity[0]?.c ?? NaN,
    convexity,
    theorem1: theorem,
    trajectory: trajectoryDiagnostics(loss, grad, config, sgd),
    histogram: finalHistogram(config, sgd, gd, config.domain, { xStar }),
    L,
    successRadius,
    successSgd: successes(sgd),
    successGd: successes(gd),
  };
}
