/**
 * f and the smoothed losses g on a grid (1-D, 2-D) or on 1-D slices through x* (d > 2), with a
 * row range so a big grid can be split over worker threads and merged back in row order.
 *
 * How g is computed, by dimension: 1-D, per point with composite Gauss–Legendre panels no wider
 * than the features (exact to ~1e-9 even for the paper's spiky Figure 3 spline); 2-D, for the whole
 * grid at once by product integration on a fine lattice (`gridSmoothing.ts`: any law, any radius,
 * features down to the grid step); d > 2, a fixed seeded Monte-Carlo rule per smoothing, with the
 * standard error of every value beside it (`SmoothedCurve.stdError`).
 */
import type { Gradient, Landscape, Loss, NonFiniteCount, NoiseKind, RunConfig, SmoothedCurve } from './types';
import { defaultPanelWidth1D, makeSmoother, type Smoother } from './smoothing';
import { gridDiskUsesFft, smoothGrid, type GridAxis } from './gridSmoothing';
import { smoothingRadii } from './schedule';
import { Normal, stream } from './rng';

export interface LandscapeOptions {
  /** Origin of the d > 2 slices; default config.xStar, else the domain centre. */
  xStar?: number[];
  /**
   * d > 2: the slice directions (unit vectors, as many as `landscapeRows`) and how they were chosen;
   * default `sliceDirections(config)`.
   */
  directions?: { vectors: number[][]; source: NonNullable<Landscape['sliceSource']> };
  /** First row to compute (2-D: y row; d > 2: slice; 1-D: x index). Default 0. */
  rowFrom?: number;
  /** One past the last row. Default: all rows. */
  rowTo?: number;
  /**
   * Called after each row with the rows done of [rowFrom, rowTo) and their count; a throw stops the
   * landscape. (2-D rows share their lattice, so there the calls come as the shared work advances,
   * still one per row and in order.)
   */
  onRow?(done: number, total: number): void;
  /**
   * 2-D: ∇g is computed in the same pass as g (one lattice of f samples) for the smoothings of
   * `gradientsWithLandscape`, and its rows are pushed here, one `GradientGrid` per smoothing.
   */
  gradientsOut?: GradientGrid[];
}

/**
 * What the landscape of a run and its ∇g maps (the `landscape` and `gradients` pool tasks) read of
 * the settings, as a string: two runs of one loss with the same key get the same landscape and
 * maps, bit for bit. Left out: what only the trials and the diagnostics read (trials, methods,
 * compareGd, the recorded series, probes, histogram, divergence, targets, success radius, the
 * function's name — the loss is keyed by the caller) and of each stage its lr, steps, start box,
 * batch and sampling; the seed only in 1-D and 2-D (d > 2 draws its slice directions and its
 * Monte-Carlo smoothing from it). landscape.test.ts checks that changing any of these leaves the
 * landscape and ∇g equal. Everything else counts, so a new field is keyed until it is left out here.
 */
export function landscapeKey(config: RunConfig): string {
  const {
    function: _name,
    seed,
    trials: _trials,
    methods: _methods,
    compareGd: _compareGd,
    sampleTrajectories: _paths,
    trajectoryPoints: _points,
    checkpoints: _checkpoints,
    probeRadius: _probeRadius,
    probeSamples: _probeSamples,
    histogramBin: _bin,
    divergenceFactor: _divergence,
    targets: _targets,
    successRadius: _success,
    stages,
    ...rest
  } = config;
  const keyed = stages.map(({ lr: _lr, steps: _steps, init: _init, batchSize: _b, sampling: _s, ...stage }) => stage);
  return JSON.stringify({ ...rest, stages: keyed, ...(config.dim > 2 ? { seed } : {}) });
}

/**
 * The smoother the landscape and the diagnostics share for a run, so g and ∇g come from one
 * rule. In 1-D the composite panels are also kept ≤ 1/1000 of the domain width (for the paper's
 * Figure 3 domain [-3, 3] that is its 0.006 vertex spacing), with 4 points each: a spiky spline
 * then comes out to ~1e-9 instead of ~1e-5.
 */
export function smootherForRun(loss: Loss, config: RunConfig, radius: number, noise: NoiseKind): Smoother {
  const seed = config.seed;
  if (config.dim !== 1 || noise === 'none') return makeSmoother(loss, config.dim, radius, noise, { seed });
  const fine = (config.domain.high[0] - config.domain.low[0]) / 1000;
  if (!(fine > 0 && fine < defaultPanelWidth1D(noise, radius))) return makeSmoother(loss, 1, radius, noise, { seed });
  return makeSmoother(loss, 1, radius, noise, { seed, panelWidth: fine, order: 4 });
}

/**
 * ∇g of one smoothing on rows [rowFrom, rowTo) of the 2-D landscape grid, row-major (x fastest):
 * what a `gradients` pool task computes for the c(y) maps. Row blocks give the same numbers bit for
 * bit as the whole grid (`gridSmoothing.ts`), so the blocks of any worker count join into the same
 * map (`joinGradientGrids`).
 */
export interface GradientGrid {
  radius: number;
  noise: NoiseKind;
  rowFrom: number;
  rowTo: number;
  gradX: Float64Array;
  gradY: Float64Array;
}

/**
 * ∇g on rows [rowFrom, rowTo) of the 2-D landscape grid for one smoothing, by the same lattice
 * product integration as the landscape's g (so c(y) and g agree, at any radius). Without
 * smoothing ∇f is `exactGradient` when given (see `analyticGradient`), else central differences.
 * `onProgress` gets the fraction done (a throw stops it).
 */
export function smoothedGradientRows(
  loss: Loss,
  config: RunConfig,
  radius: number,
  noise: NoiseKind,
  rowFrom: number,
  rowTo: number,
  exactGradient?: Gradient,
  onProgress?: (fraction: number) => void,
): GradientGrid {
  if (config.dim !== 2) throw new RangeError(`smoothedGradientRows needs a 2-D config, got dim ${config.dim}`);
  const n = config.resolution;
  const { low, high } = config.domain;
  const grid = smoothGrid(loss, { lo: low[0], hi: high[0], n }, { lo: low[1], hi: high[1], n }, radius, noise, {
    rowFrom,
    rowTo,
    values: false,
    gradient: true,
    exactGradient,
    // As for g: where the kernel reaches a non-finite f, ∇g and so c(y) are gaps.
    nonFinite: 'gaps',
    onProgress,
  });
  return ownGradient(radius, noise, rowFrom, rowTo, grid.gradX!, grid.gradY!);
}

/** A GradientGrid whose arrays are their own, so a worker can transfer them (an FFT's rows may be views of a larger buffer). */
function ownGradient(
  radius: number,
  noise: NoiseKind,
  rowFrom: number,
  rowTo: number,
  gradX: Float64Array,
  gradY: Float64Array,
): GradientGrid {
  const own = (a: Float64Array) => (a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice());
  return { radius, noise, rowFrom, rowTo, gradX: own(gradX), gradY: own(gradY) };
}

/**
 * Row blocks of ∇g (any order, several smoothings) joined per smoothing into whole grids of
 * `rows` rows, in the order each smoothing first appears; a block missing or overlapping is an error.
 */
export function joinGradientGrids(parts: readonly GradientGrid[], rows: number): GradientGrid[] {
  const groups: GradientGrid[][] = [];
  for (const p of parts) {
    const g = groups.find((q) => q[0].radius === p.radius && q[0].noise === p.noise);
    if (g) g.push(p);
    else groups.push([p]);
  }
  return groups.map((g) => {
    const blocks = [...g].sort((a, b) => a.rowFrom - b.rowFrom);
    const nx = blocks[0].rowTo > blocks[0].rowFrom ? blocks[0].gradX.length / (blocks[0].rowTo - blocks[0].rowFrom) : 0;
    const gradX = new Float64Array(rows * nx);
    const gradY = new Float64Array(rows * nx);
    let next = 0;
    for (const b of blocks) {
      if (b.rowFrom !== next || b.gradX.length !== (b.rowTo - b.rowFrom) * nx || b.gradY.length !== b.gradX.length)
        throw new RangeError(`∇g blocks of radius ${b.radius} (${b.noise}) do not tile the grid's ${rows} rows at row ${next}`);
      gradX.set(b.gradX, b.rowFrom * nx);
      gradY.set(b.gradY, b.rowFrom * nx);
      next = b.rowTo;
    }
    if (next !== rows) throw new RangeError(`∇g blocks of radius ${g[0].radius} (${g[0].noise}) end at row ${next} of ${rows}`);
    return { radius: g[0].radius, noise: g[0].noise, rowFrom: 0, rowTo: rows, gradX, gradY };
  });
}

/** A grid's rows as arrays (gradX[iy][ix]), as the c(y) maps read them. */
export function gradientRows(grid: Pick<GradientGrid, 'gradX' | 'gradY'>, nx: number): { gradX: number[][]; gradY: number[][] } {
  return { gradX: gridRows(grid.gradX, nx), gradY: gridRows(grid.gradY, nx) };
}

/**
 * Row-major values (rows of nx) as arrays of rows, by a plain loop: `Array.from` of a typed array
 * goes through its iterator, ~10× slower (17 ms for the two 201 × 201 ∇g maps, cold).
 */
export function gridRows(a: Float64Array, nx: number): number[][] {
  const out: number[][] = [];
  for (let o = 0; o < a.length; o += nx) {
    const row: number[] = [];
    for (let i = 0; i < nx; i++) row.push(a[o + i]);
    out.push(row);
  }
  return out;
}

/**
 * ∇g on the whole 2-D landscape grid (gradX[iy][ix], gradY[iy][ix]) for one smoothing
 * (`smoothedGradientRows` over every row).
 */
export function smoothedGradientGrid2D(
  loss: Loss,
  config: RunConfig,
  radius: number,
  noise: NoiseKind,
  exactGradient?: Gradient,
): { gradX: number[][]; gradY: number[][] } {
  if (config.dim !== 2) throw new RangeError(`smoothedGradientGrid2D needs a 2-D config, got dim ${config.dim}`);
  const n = config.resolution;
  return gradientRows(smoothedGradientRows(loss, config, radius, noise, 0, n, exactGradient), n);
}

/**
 * 2-D: the smoothings whose ∇g (for the c(y) maps) the landscape computes with g in one pass over the
 * lattice (`LandscapeOptions.gradientsOut`): every noisy one, except a disk for which g alone and ∇g
 * alone would choose different ways of applying the stencils (direct sums or FFT) — the one pass
 * would then change one of them. g and ∇g from the one pass are those of the separate passes bit
 * for bit (the same lattice samples and stencils; tested). The rest are `gradients` tasks.
 */
export function gradientsWithLandscape(config: RunConfig): Array<{ radius: number; noise: NoiseKind }> {
  if (config.dim !== 2) return [];
  return smoothingRadii(config).filter(
    ({ radius, noise }) => noise !== 'uniform' || diskFft(config, radius, 'value') === diskFft(config, radius, 'gradient'),
  );
}

/**
 * Whether ∇g of this smoothing is worth cutting into row blocks: not when its disk goes by FFT
 * (the whole grid's lattice is sampled and transformed for any block; `gridDiskUsesFft`).
 */
export function gradientRowsSplit(config: RunConfig, radius: number, noise: NoiseKind): boolean {
  if (config.dim !== 2 || noise !== 'uniform' || !(radius > 0)) return true;
  return !diskFft(config, radius, 'gradient');
}

/** n equally spaced points from lo to hi inclusive (the midpoint when n = 1). */
export function linspace(lo: number, hi: number, n: number): number[] {
  if (n === 1) return [(lo + hi) / 2];
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = i === n - 1 ? hi : lo + ((hi - lo) * i) / (n - 1);
  return out;
}

/**
 * Number of rows a landscape of this config has, what rowFrom/rowTo index: grid points along x
 * (1-D), rows along y (2-D), slices (d > 2: the given directions, else `slices` random ones).
 */
export function landscapeRows(config: RunConfig): number {
  return config.dim <= 2 ? config.resolution : config.sliceDirections?.length || config.slices;
}

/**
 * Slice directions for d > 2: the configured ones normalised, else seeded random ones, orthonormal
 * in blocks of d (a minibatch run's result replaces them by C(x*)'s eigenvectors through the x*
 * found from the finals: diagnostics.ts `slicesThroughXStar`).
 */
export function sliceDirections(config: RunConfig): number[][] {
  const d = config.dim;
  if (config.sliceDirections && config.sliceDirections.length > 0) {
    return config.sliceDirections.map((v, k) => {
      if (v.length !== d) throw new RangeError(`sliceDirections[${k}] has ${v.length} components, expected ${d}`);
      const n = Math.hypot(...v);
      if (!(n > 0) || !Number.isFinite(n)) throw new RangeError(`sliceDirections[${k}] must be a finite non-zero vector`);
      return v.map((c) => c / n);
    });
  }
  const normal = new Normal(stream(config.seed, 'slices'));
  const dirs: number[][] = [];
  // Gram–Schmidt in blocks of d: orthonormal whenever slices ≤ d.
  for (let k = 0; k < config.slices; k++) {
    const blockStart = k - (k % d);
    for (;;) {
      const v = Array.from({ length: d }, () => normal.next());
      for (let b = blockStart; b < k; b++) {
        const dot = v.reduce((s, c, j) => s + c * dirs[b][j], 0);
        for (let j = 0; j < d; j++) v[j] -= dot * dirs[b][j];
      }
      const n = Math.hypot(...v);
      if (n > 1e-8) {
        dirs.push(v.map((c) => c / n));
        break;
      }
    }
  }
  return dirs;
}

/**
 * Disks narrower than this many grid steps never go by FFT, for g alone or ∇g alone (measured on
 * grids of 51 to 2001 points per axis, square domains and 50:1 ones: the FFT path starts at 14.25
 * to 21.5 steps for g, 13.25 to 17 for ∇g), so `diskFft` skips their stencils.
 */
const FFT_NEVER_BELOW_STEPS = 8;
/** `gridDiskUsesFft` by grid, radius and kind: a stencil costs ~20–300 ms, and runs of a file repeat. */
const fftChoices = new Map<string, boolean>();

/**
 * `gridDiskUsesFft` on the config's 2-D grid for a disk of `radius`, g alone ('value') or ∇g alone
 * ('gradient'): false without computing a stencil below FFT_NEVER_BELOW_STEPS grid steps (the
 * paper's a = 0.3 on 201 points is 5.9 steps: its three stencils cost the host ~0.1 s of a
 * 1.3 s run, and each worker again), else computed once per grid, radius and kind.
 */
function diskFft(config: RunConfig, radius: number, what: 'value' | 'gradient'): boolean {
  const { low, high } = config.domain;
  const n = config.resolution;
  const step = n > 1 ? Math.min(high[0] - low[0], high[1] - low[1]) / (n - 1) : Infinity;
  if (!(radius >= FFT_NEVER_BELOW_STEPS * step)) return false;
  const key = `${n} ${low.join(' ')} ${high.join(' ')} ${radius} ${what}`;
  let fft = fftChoices.get(key);
  if (fft === undefined) {
    fft = gridDiskUsesFft({ lo: low[0], hi: high[0], n }, { lo: low[1], hi: high[1], n }, radius, {}, what);
    if (fftChoices.size >= 64) fftChoices.clear();
    fftChoices.set(key, fft);
  }
  return fft;
}

/**
 * Whether cutting the landscape into row blocks saves work (`computeLandscape`'s rowFrom/rowTo):
 * not in 2-D when a smoothing's disk goes by FFT, which samples f on the whole grid's lattice and
 * transforms it for any block (gridDiskUsesFft), so every block would repeat it (measured on 2-D
 * Rastrigin, 201², a = 2.56: half the rows 652 ms, the whole grid 665 ms). Costs one stencil per
 * wide disk, no evaluation of f. The numbers are the same either way.
 */
export function landscapeRowsSplit(config: RunConfig): boolean {
  if (config.dim !== 2) return true;
  return !smoothingRadii(config).some(({ radius, noise }) => noise === 'uniform' && diskFft(config, radius, 'value'));
}

/**
 * f and g on the grid of `config.resolution` points per axis over `config.domain`. Layout:
 * 1-D f[ix]; 2-D f[iy][ix] (x along axis 0, y along axis 1); d > 2 f[slice][i] at
 * origin + t_i·direction, t ∈ [−R, R], R = half the domain diagonal. One smoothed curve per
 * distinct noisy (radius, noise). With rowFrom/rowTo only those rows are filled (x, y and the
 * slice geometry are always whole), for `mergeLandscapes`.
 */
export function computeLandscape(loss: Loss, config: RunConfig, opts: LandscapeOptions = {}): Landscape {
  const d = config.dim;
  const n = config.resolution;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`resolution must be a positive integer, got ${n}`);
  const rows = landscapeRows(config);
  const from = opts.rowFrom ?? 0;
  const to = opts.rowTo ?? rows;
  if (!(Number.isInteger(from) && Number.isInteger(to) && 0 <= from && from <= to && to <= rows)) {
    throw new RangeError(`row range [${from}, ${to}) is not inside [0, ${rows})`);
  }
  const { low, high } = config.domain;
  const smoothings = smoothingRadii(config);
  const curves: SmoothedCurve[] = smoothings.map((s) => ({ radius: s.radius, noise: s.noise, values: [] }));
  // Pointwise rules for 1-D and the d > 2 slices; 2-D smooths the whole grid at once.
  const smoothers = d === 2 ? [] : smoothings.map(({ radius, noise }) => smootherForRun(loss, config, radius, noise));
  const p = new Float64Array(d);
  const tally = new NonFiniteTally();
  const withCount = (l: Landscape): Landscape => {
    const nf = tally.result;
    if (nf) l.nonFinite = nf;
    return l;
  };

  if (d === 1) {
    const x = linspace(low[0], high[0], n);
    const f: number[] = [];
    for (let i = from; i < to; i++) {
      p[0] = x[i];
      const v = loss(p);
      tally.add(p, v);
      f.push(v);
      smoothers.forEach((g, k) => (curves[k].values as number[]).push(g(p)));
      opts.onRow?.(i + 1 - from, to - from);
    }
    return withCount({ x, f, smoothed: curves });
  }

  if (d === 2) {
    const x = linspace(low[0], high[0], n);
    const y = linspace(low[1], high[1], n);
    // onRow keeps its contract (one call per row of the range, in order) while the rows' work is
    // shared: the calls are spread over f's rows, then the smoothings' progress (lattice samples,
    // then stencils).
    const total = to - from;
    const count = smoothings.length;
    let ticked = 0;
    const tick = (fraction: number) => {
      if (!opts.onRow) return;
      const due = Math.min(total, Math.floor(fraction * total + 1e-9));
      while (ticked < due) opts.onRow(++ticked, total);
    };
    const fShare = count === 0 ? 1 : 1 / (count + 1);
    const f: number[][] = [];
    for (let iy = from; iy < to; iy++) {
      p[1] = y[iy];
      const fRow = new Array<number>(n);
      for (let ix = 0; ix < n; ix++) {
        p[0] = x[ix];
        fRow[ix] = loss(p);
        tally.add(p, fRow[ix]);
      }
      f.push(fRow);
      tick((fShare * (iy + 1 - from)) / total);
    }
    const xa: GridAxis = { lo: low[0], hi: high[0], n };
    const ya: GridAxis = { lo: low[1], hi: high[1], n };
    const withGradient = opts.gradientsOut ? gradientsWithLandscape(config) : [];
    smoothings.forEach((g, k) => {
      const gradient = withGradient.some((w) => w.radius === g.radius && w.noise === g.noise);
      const grid = smoothGrid(loss, xa, ya, g.radius, g.noise, {
        rowFrom: from,
        rowTo: to,
        gradient,
        onProgress: opts.onRow ? (fraction) => tick(fShare + ((1 - fShare) * (k + fraction)) / count) : undefined,
        // Non-finite f: gaps in g by the landscape's rule, counted and said (curve.nonFinite).
        nonFinite: 'gaps',
      });
      if (gradient) opts.gradientsOut!.push(ownGradient(g.radius, g.noise, from, to, grid.gradX!, grid.gradY!));
      const values = grid.values!;
      curves[k].values = gridRows(values, n);
      if (grid.nonFinite) {
        let gaps = 0;
        for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) gaps++;
        curves[k].nonFinite = { ...grid.nonFinite, at: [...grid.nonFinite.at], gaps };
      }
    });
    tick(1);
    return withCount({ x, y, f, smoothed: curves });
  }

  const origin = opts.xStar ?? config.xStar ?? low.map((l, j) => (l + high[j]) / 2);
  if (origin.length !== d) throw new RangeError(`slice origin has ${origin.length} components, expected ${d}`);
  const directions = opts.directions?.vectors ?? sliceDirections(config);
  const sliceSource = opts.directions?.source ?? (config.sliceDirections?.length ? 'configured' : 'random');
  if (directions.length !== rows) throw new RangeError(`${directions.length} slice directions for ${rows} slices`);
  const R = 0.5 * Math.hypot(...high.map((h, j) => h - low[j]));
  const t = linspace(-R, R, n);
  const f: number[][] = [];
  // Monte-Carlo values come with their standard error (the spread of the antithetic pair means).
  const errors = smoothers.map((g) => (g.valueAndError ? ([] as number[][]) : undefined));
  const ve = new Float64Array(2);
  for (let s = from; s < to; s++) {
    const dir = directions[s];
    const fRow = new Array<number>(n);
    const gRows = smoothers.map(() => new Array<number>(n));
    const eRows = errors.map((e) => (e ? new Array<number>(n) : undefined));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) p[j] = origin[j] + t[i] * dir[j];
      fRow[i] = loss(p);
      tally.add(p, fRow[i]);
      for (let k = 0; k < smoothers.length; k++) {
        const g = smoothers[k];
        const eRow = eRows[k];
        if (g.valueAndError && eRow) {
          g.valueAndError(p, ve);
          gRows[k][i] = ve[0];
          eRow[i] = ve[1];
        } else gRows[k][i] = g(p);
      }
    }
    f.push(fRow);
    gRows.forEach((row, k) => (curves[k].values as number[][]).push(row));
    eRows.forEach((row, k) => row && errors[k]!.push(row));
    opts.onRow?.(s + 1 - from, to - from);
  }
  errors.forEach((e, k) => {
    if (e) curves[k].stdError = e;
  });
  return withCount({ x: t, f, smoothed: curves, directions, origin: [...origin], sliceSource });
}

/** Tallies the grid points where f is not finite, keeping the first one. */
class NonFiniteTally {
  private count = 0;
  private of = 0;
  private first?: { at: number[]; value: number };

  add(p: Float64Array, v: number): void {
    this.of++;
    if (Number.isFinite(v)) return;
    this.count++;
    this.first ??= { at: Array.from(p), value: v };
  }

  get result(): NonFiniteCount | undefined {
    return this.first ? { count: this.count, of: this.of, at: this.first.at, value: String(this.first.value) } : undefined;
  }
}

/** Grid points of a part (its f values). */
function pointsOf(part: Landscape): number {
  let n = 0;
  for (const row of part.f) n += Array.isArray(row) ? row.length : 1;
  return n;
}

/** Joins row-range parts (given in row order) into one landscape. */
export function mergeLandscapes(parts: Landscape[]): Landscape {
  if (parts.length === 0) throw new RangeError('mergeLandscapes needs at least one part');
  const [first] = parts;
  for (const part of parts) {
    if (part.smoothed.length !== first.smoothed.length) throw new RangeError('landscape parts disagree on their smoothed curves');
  }
  const concat = <T>(arrays: T[][]): T[] => ([] as T[]).concat(...arrays);
  let count = 0;
  let of = 0;
  let firstBad: NonFiniteCount | undefined;
  for (const part of parts) {
    of += pointsOf(part);
    if (part.nonFinite) {
      count += part.nonFinite.count;
      firstBad ??= part.nonFinite;
    }
  }
  const out: Landscape = {
    ...first,
    f: concat(parts.map((p) => p.f as unknown[])) as Landscape['f'],
    smoothed: first.smoothed.map((curve, k) => ({
      radius: curve.radius,
      noise: curve.noise,
      values: concat(parts.map((p) => p.smoothed[k].values as unknown[])) as SmoothedCurve['values'],
      ...(curve.stdError ? { stdError: concat(parts.map((p) => p.smoothed[k].stdError ?? [])) } : {}),
      ...mergedNonFinite(parts.map((p) => p.smoothed[k].nonFinite)),
    })),
  };
  delete out.nonFinite;
  if (firstBad) out.nonFinite = { ...firstBad, count, of };
  return out;
}

/** The parts' counts of non-finite smoothing samples added up (the first part's first point kept). */
function mergedNonFinite(parts: Array<SmoothedCurve['nonFinite']>): Pick<SmoothedCurve, 'nonFinite'> {
  const seen = parts.filter((p) => p !== undefined);
  if (seen.length === 0) return {};
  const sum = (key: 'count' | 'of' | 'gaps') => seen.reduce((s, p) => s + p[key], 0);
  return { nonFinite: { ...seen[0], count: sum('count'), of: sum('of'), gaps: sum('gaps') } };
}

/**
 * The landscape's grid alone (x, y, or the d > 2 slices through `origin`), no values: what the
 * convexity map walks when x* is given, so a sweep need not evaluate f and g on the grid. The same
 * geometry as `computeLandscape` with `opts.xStar = origin`.
 */
export function landscapeGrid(config: RunConfig, origin?: number[]): Landscape {
  const d = config.dim;
  const n = config.resolution;
  const { low, high } = config.domain;
  if (d === 1) return { x: linspace(low[0], high[0], n), f: [], smoothed: [] };
  if (d === 2) return { x: linspace(low[0], high[0], n), y: linspace(low[1], high[1], n), f: [], smoothed: [] };
  const o = origin ?? config.xStar ?? low.map((l, j) => (l + high[j]) / 2);
  const R = 0.5 * Math.hypot(...high.map((h, j) => h - low[j]));
  const sliceSource = config.sliceDirections?.length ? 'configured' : 'random';
  return { x: linspace(-R, R, n), f: [], smoothed: [], directions: sliceDirections(config), origin: [...o], sliceSource };
}
