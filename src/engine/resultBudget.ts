/**
 * The result's size budget: how many numbers a run's result holds, worked out from its settings
 * before anything runs, and the limit it must stay within. Every part that grows with a setting
 * is counted: per trial (finals, last iterates, starts, each stage's finals, f(final), the
 * diverged flag), the Figure 5 checkpoints (d + 1 numbers per sampled trial and checkpoint), the
 * sampled paths, the landscape's maps (f, g per smoothing, c(y) per map) and the histograms, with the
 * copies RESULT.json writes (`sgd`, `gd` and `finals` repeat methods' data).
 *
 * RESULT_NUMBERS_MAX keeps RESULT.json to about 425 MB (some 21 characters a number), below V8's
 * longest string (2²⁹ characters, 537 M), and leaves room for a 2-D landscape at the largest
 * resolution (2001² points a map). Measured at the edge (a 2-D run of 30,846 trials, 19,997,971
 * numbers written): RESULT.json 424 MB, the CLI's peak resident memory 2.3 GB. A run over the
 * budget is refused before it starts, naming the setting that takes most of it and how far to
 * lower it.
 * Sweeps keep no per-trial data and are not bound by it.
 */
import { convexityRadii } from './convexity';
import { MAX_BINS_1D } from './histogram';
import { landscapeRows } from './landscape';
import { smoothingRadii, totalSteps } from './config';
import { methodRoles } from './methods';
import type { RunConfig } from './types';

/** The most numbers one run's result may hold, counted as RESULT.json writes them. */
export const RESULT_NUMBERS_MAX = 20_000_000;

/** Settings a part of the result grows with: the one named when that part is the largest. */
export type BudgetSetting = 'trials' | 'checkpoints' | 'trajectoryPoints' | 'resolution';

export interface ResultPart {
  /** What it is, for a message: "checkpoints (Figure 5)". */
  what: string;
  /** The setting to lower for this part. */
  setting: BudgetSetting;
  numbers: number;
}

export interface ResultSize {
  /** Numbers in RESULT.json, copies included. */
  total: number;
  parts: ResultPart[];
}

/** Distinct steps of `evenSteps(last, count)` (sgd.ts), without building them. */
function evenCount(last: number, count: number): number {
  return last <= 0 ? 1 : Math.min(count, last + 1);
}

/** Numbers, flags and nulls in a JSON-able value. */
function jsonNumbers(v: unknown): number {
  if (v === null || typeof v === 'number' || typeof v === 'boolean') return 1;
  if (Array.isArray(v)) return v.reduce((s: number, x) => s + jsonNumbers(x), 0);
  if (typeof v === 'object') return Object.values(v as object).reduce((s: number, x) => s + jsonNumbers(x), 0);
  return 0;
}

/** How many numbers the result of `config` holds (an upper bound: diverged paths stop early). */
export function resultSize(config: RunConfig): ResultSize {
  const d = config.dim;
  const T = totalSteps(config);
  const roles = methodRoles(config);
  // Each method once, plus RESULT.json's `sgd` and `gd` copies of two of them.
  const copies = config.methods.length + 1 + (roles.gd >= 0 ? 1 : 0);
  const perTrial = d * (3 + config.stages.length) + 2;
  const checkpoints = evenCount(T - 1, config.checkpoints);
  const sampled = Math.min(config.sampleTrajectories, config.trials);
  const pathPoints = evenCount(T, config.trajectoryPoints);
  const rows = landscapeRows(config);
  const grid = d === 1 ? config.resolution : rows * config.resolution;
  // f, g per smoothing (with a standard error per value on d > 2 slices), c(y) per map.
  // A 2-D minibatch run adds g and c(y) under the measured and the isotropic Gaussian noise, and
  // the finals of the two models' trials (noiseLandscapes.ts).
  const noiseModels = d === 2 && config.stages.some((s) => s.noise === 'minibatch') ? 2 : 0;
  const maps = 1 + smoothingRadii(config).length * (d > 2 ? 2 : 1) + convexityRadii(config).length + 2 * noiseModels;
  const parts: ResultPart[] = [
    {
      what: 'final points, starts and stage finals of every trial',
      setting: 'trials',
      numbers: copies * config.trials * perTrial + config.trials * d + noiseModels * config.trials * d,
    },
    // The `sgd` method's sampled trials only (RESULT.json version 2), written twice (its method and `sgd`).
    { what: 'Figure 5 checkpoints of the sampled trials', setting: 'checkpoints', numbers: 2 * sampled * checkpoints * (d + 1) },
    { what: 'sampled paths', setting: 'trajectoryPoints', numbers: copies * sampled * pathPoints * d },
    { what: 'landscape maps', setting: 'resolution', numbers: grid * maps + (d === 2 ? 2 : 1) * config.resolution },
  ];
  // The rest is small and bounded by other settings: the settings themselves; histograms (per
  // copy: at most MAX_BINS_1D bins in 1-D, 40 × 40 and a marginal in 2-D, 40 beyond; their edges);
  // the steps of paths and checkpoints; Figure 5 statistics, Theorem 1 and 3, x*, c's arguments.
  const bins = d === 1 ? MAX_BINS_1D : 41 * 41;
  const rest =
    jsonNumbers(config) +
    copies * (bins + pathPoints + checkpoints + sampled) +
    (d === 1 ? MAX_BINS_1D + 1 : 82) +
    16 * checkpoints +
    32 * config.stages.length +
    8 * d * (convexityRadii(config).length + 4) +
    1000;
  return { total: parts.reduce((s, p) => s + p.numbers, 0) + rest, parts };
}

/**
 * The largest value of `setting` (at least its smallest allowed `min`) with which `config` fits
 * the budget, others unchanged; undefined when even `min` does not fit.
 */
export function largestFitting(config: RunConfig, setting: BudgetSetting, min: number, max = config[setting]): number | undefined {
  const fits = (v: number) => resultSize({ ...config, [setting]: v }).total <= RESULT_NUMBERS_MAX;
  if (!fits(min)) return undefined;
  let lo = min;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Smallest values the budget's settings may take (the settings table's minimums). */
const MINIMUM: Record<BudgetSetting, number> = { trials: 1, checkpoints: 2, trajectoryPoints: 2, resolution: 2 };

/**
 * Why `config` is over the budget, as a problem on the setting of its largest part: the count,
 * the limit, and the largest value of that setting (and of `trials`) that fits. Undefined when it
 * fits.
 */
export function resultBudgetProblem(config: RunConfig): { setting: BudgetSetting; message: string } | undefined {
  const size = resultSize(config);
  if (size.total <= RESULT_NUMBERS_MAX) return undefined;
  const largest = size.parts.reduce((a, b) => (b.numbers > a.numbers ? b : a));
  const fmt = (n: number) => n.toLocaleString('en-US');
  const ways: string[] = [];
  const own = largestFitting(config, largest.setting, MINIMUM[largest.setting]);
  if (own !== undefined) ways.push(`${largest.setting} at most ${fmt(own)}`);
  if (largest.setting !== 'trials') {
    const trials = largestFitting(config, 'trials', MINIMUM.trials);
    if (trials !== undefined) ways.push(`trials at most ${fmt(trials)}`);
  }
  if (config.methods.length > 1) ways.push('fewer methods');
  const message =
    `the run's result would hold ${fmt(size.total)} numbers (${fmt(largest.numbers)} of them ${largest.what}: ` +
    `${fmt(config.trials)} trials, dim ${config.dim}, ${config.methods.length} method${config.methods.length === 1 ? '' : 's'}), ` +
    `more than the ${fmt(RESULT_NUMBERS_MAX)} one run may keep (about 425 MB of RESULT.json)` +
    (ways.length ? `; with the other settings as they are, use ${ways.join(', or ')}` : '');
  return { setting: largest.setting, message };
}
