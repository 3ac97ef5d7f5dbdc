/**
 * The result's size budget: how many numbers a run's result holds, worked out from its settings
 * before anything runs, and the limit it must stay within. Every part that grows with a setting
 * is counted: per trial (finals, last iterates, starts, each stage's finals, f(final), the
 * diverged flag), the Figure 5 checkpoints (d + 1 numbers per sampled trial and checkpoint), the
 * sampled paths, the landscape's maps (f, g per smoothing, c(y) per map), the minibatch gradient
 * noise's covariance (d × d) and the histograms, as RESULT.json version 3 writes them (resultFile.ts:
 * each method once, without version 2's copies `sgd`, `gd` and `finals`).
 *
 * RESULT_NUMBERS_MAX keeps RESULT.json to about 425 MB (some 21 characters a number), below V8's
 * longest string (2²⁹ characters, 537 M), and leaves room for a 2-D landscape at the largest
 * resolution (2001² points a map). Measured at the edge with version 2's copies counted and
 * written (a 2-D run of 30,846 trials, 19,997,971 numbers written): RESULT.json 424 MB, the CLI's
 * peak resident memory 2.3 GB; the copies were the same arrays in memory, so the numbers held then
 * were about those counted now.
 *
 * Each setting's range in the settings table holds on its own; the budget bounds them together
 * (100,000 trials of SGD and GD at dim 30 are over it, as is resolution 2001 in 2-D
 * with two noise radii). A run over the budget is refused before it starts, with every single
 * change that would make it fit: each setting of the largest part (and `trials`) lowered to the
 * largest value that fits, one method instead of several, one noise radius instead of several.
 * The caller names the settings as the user set them (`sgdLandscape.trials`,
 * `fOptions.defaults.checkpoints`, RUN.json's `checkpoints`). Sweeps keep no per-trial data and
 * are not bound by it.
 */
import { convexityRadii } from './convexity';
import { EIGEN_MAX_DIM, QQ_POINTS } from './gradientNoise';
import { MAX_BINS_1D } from './histogram';
import { landscapeRows } from './landscape';
import { PLANE_RESOLUTION } from './plane';
import { smoothingRadii, totalSteps } from './schedule';
import { methodRoles } from './methods';
import { methodStage } from './sgd';
import { snapshotSteps } from './keptSteps';
import { groupThousands } from './settingsText';
import type { RunConfig } from './types';

/** The most numbers one run's result may hold, counted as RESULT.json writes them. */
export const RESULT_NUMBERS_MAX = 20_000_000;

/** Settings a part of the result grows with, each a number that lowering shrinks the result. */
export type BudgetSetting = 'trials' | 'checkpoints' | 'trajectoryPoints' | 'sampleTrajectories' | 'resolution' | 'dim';

export interface ResultPart {
  /** What it is, for a message: "Figure 5 checkpoints of every trial". */
  what: string;
  /** The setting to lower for this part (the first of `settings`). */
  setting: BudgetSetting;
  /** Every setting this part grows with, the one that shrinks it most first. */
  settings: BudgetSetting[];
  numbers: number;
}

export interface ResultSize {
  /** Numbers in RESULT.json (version 3). */
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

/** Whether the result has `diagnostics.gradientNoise`: the `sgd` method has a minibatch stage. */
function hasGradientNoise(config: RunConfig): boolean {
  const spec = config.methods[methodRoles(config).sgd];
  return !!spec && config.stages.some((s) => methodStage(s, spec).noise === 'minibatch');
}

/** How many numbers the result of `config` holds (an upper bound: diverged paths stop early). */
export function resultSize(config: RunConfig): ResultSize {
  const d = config.dim;
  const T = totalSteps(config);
  // Each method once (RESULT.json version 3 has no `sgd` and `gd` copies); the histograms keep
  // theirs (diagnostics.histogram: every method's, and the sgd and gd methods' again).
  const copies = config.methods.length;
  const roles = methodRoles(config);
  const histograms = copies + 1 + (roles.gd >= 0 ? 1 : 0);
  // Per trial and copy: finals, finalX, starts, a point per stage, its loss and flag; and its x at each snapshot step.
  const snapshots = snapshotSteps(config).length;
  const perTrial = d * (3 + config.stages.length + snapshots) + 2;
  const checkpoints = evenCount(T - 1, config.checkpoints);
  const sampled = Math.min(config.sampleTrajectories, config.trials);
  const pathPoints = evenCount(T, config.trajectoryPoints);
  const rows = landscapeRows(config);
  const grid = d === 1 ? config.resolution : rows * config.resolution;
  // f, g per smoothing (with a standard error per value on d > 2 slices), c(y) per map.
  // A 2-D minibatch run adds g and c(y) under the measured and the isotropic Gaussian noise
  // (noiseLandscapes.ts); a minibatch run of any d the finals of the two models' trials
  // (noiseModelTrials.ts).
  const noiseMaps = d === 2 && config.stages.some((s) => s.noise === 'minibatch') ? 2 : 0;
  const noiseModels = hasGradientNoise(config) ? 2 : 0;
  const maps = 1 + smoothingRadii(config).length * (d > 2 ? 2 : 1) + convexityRadii(config).length + 2 * noiseMaps;
  // d > 2: the plane through x* (plane.ts): f, and g, its standard error and c(y) per law on a
  // fixed grid; the sampled paths and every final (the noise models' too) projected to (α, β).
  const plane = d > 2 ? 1 : 0;
  // A minibatch run adds the isotropic Gaussian of C's trace and, up to EIGEN_MAX_DIM, the measured
  // N(0, η²C(x*)) with its d × d covariance.
  const measured = plane && hasGradientNoise(config) && d <= EIGEN_MAX_DIM ? 1 : 0;
  const planeLaws = smoothingRadii(config).length + (hasGradientNoise(config) ? 1 + measured : 0);
  const m = config.methods.length;
  const written = `for ${m} method${m === 1 ? '' : 's'}`;
  const parts: ResultPart[] = [
    {
      what: `final points, starts${snapshots > 0 ? ', stage finals and snapshots' : ' and stage finals'} of ${fmt(config.trials)} trials in ${d}-D, ${written}`,
      setting: 'trials',
      settings: ['trials'],
      // d > 2: every final projected to (α, β) on the plane, the noise models' finals too.
      numbers: copies * config.trials * perTrial + noiseModels * config.trials * d + plane * 2 * (1 + noiseModels) * config.trials,
    },
    // The `sgd` method's sampled trials only (since RESULT.json version 2).
    {
      what: `Figure 5 checkpoints: ${fmt(checkpoints)} per sampled trial of ${fmt(sampled)}, ${d + 1} numbers each, of the sgd method`,
      setting: 'checkpoints',
      settings: ['checkpoints', 'sampleTrajectories'],
      numbers: sampled * checkpoints * (d + 1),
    },
    {
      what: `sampled paths: ${fmt(sampled)} of ${fmt(pathPoints)} points in ${d}-D, ${written}`,
      setting: 'trajectoryPoints',
      settings: ['trajectoryPoints', 'sampleTrajectories'],
      numbers: (copies * d + 2 * plane) * sampled * pathPoints,
    },
    {
      what: `landscape maps: ${maps} of ${d === 1 ? fmt(config.resolution) : `${fmt(rows)} × ${fmt(config.resolution)}`} points`,
      setting: 'resolution',
      settings: ['resolution'],
      numbers: grid * maps + (d === 2 ? 2 : 1) * config.resolution,
    },
  ];
  if (hasGradientNoise(config)) {
    // C(x*) (d × d) and x*; the spectrum (eigenvalues, top eigenvector, the kicks' QQ points) up
    // to EIGEN_MAX_DIM; tr C per checkpoint (steps, mean, min, max); seven scalars and the noise
    // models' four success counts. (The 2-D noise models' maps and the models' finals are counted
    // with the landscape and the trials.)
    parts.push({
      what: `the minibatch gradient noise's covariance at x*: ${fmt(d)} × ${fmt(d)}`,
      setting: 'dim',
      settings: ['dim'],
      numbers: d * d + d + (d <= EIGEN_MAX_DIM ? 2 * d + 2 + 2 * QQ_POINTS : 0) + 4 * checkpoints + 7 + 4,
    });
  }
  // The rest is small and bounded by other settings: the settings themselves; histograms (each:
  // at most MAX_BINS_1D bins in 1-D, 40 × 40 and a marginal in 2-D, 40 beyond; their edges);
  // the steps of paths and checkpoints; Figure 5 statistics, Theorem 1 and 3, x*, c's arguments.
  const bins = d === 1 ? MAX_BINS_1D : 41 * 41;
  const rest =
    jsonNumbers(config) +
    histograms * bins +
    copies * (pathPoints + checkpoints + sampled + snapshots) +
    (d === 1 ? MAX_BINS_1D + 1 : 82) +
    16 * checkpoints +
    32 * config.stages.length +
    8 * d * (convexityRadii(config).length + 4) +
    plane * ((1 + 3 * planeLaws) * PLANE_RESOLUTION ** 2 + 2 * PLANE_RESOLUTION + measured * d * d + 8 * planeLaws + sampled + 3 * d + 8) +
    1000;
  return { total: parts.reduce((s, p) => s + p.numbers, 0) + rest, parts };
}

const fmt = groupThousands;

const fits = (config: RunConfig) => resultSize(config).total <= RESULT_NUMBERS_MAX;

/**
 * The largest value of `setting` (at least its smallest allowed `min`) with which `config` fits
 * the budget, others unchanged; undefined when even `min` does not fit.
 */
export function largestFitting(config: RunConfig, setting: BudgetSetting, min: number, max = config[setting]): number | undefined {
  const fitsAt = (v: number) => fits({ ...config, [setting]: v });
  if (!fitsAt(min)) return undefined;
  let lo = min;
  let hi = max;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fitsAt(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Smallest values the budget's settings may take (the settings table's minimums). */
const MINIMUM: Record<BudgetSetting, number> = {
  trials: 1,
  checkpoints: 2,
  trajectoryPoints: 2,
  sampleTrajectories: 0,
  resolution: 3,
  dim: 1,
};

/** How a message names a setting: as the user set it (`sgdLandscape.trials`, `fOptions.defaults.checkpoints`); RUN.json's name by default. */
export type SettingNamer = (setting: string) => string;

/**
 * Why `config` is over the budget, as a problem on the setting of its largest part: the count,
 * the limit, and every single change that makes it fit (each setting of the largest part, and
 * `trials`, lowered to the largest value that fits; one method; one noise radius). `setting` is
 * the largest part's setting as `name` gives it. Undefined when it fits.
 */
export function resultBudgetProblem(config: RunConfig, name: SettingNamer = (s) => s): { setting: string; message: string } | undefined {
  const size = resultSize(config);
  if (size.total <= RESULT_NUMBERS_MAX) return undefined;
  const largest = size.parts.reduce((a, b) => (b.numbers > a.numbers ? b : a));
  const ways: string[] = [];
  for (const s of [...largest.settings, ...(largest.settings.includes('trials') ? [] : (['trials'] as const))]) {
    const now = config[s];
    if (s === 'sampleTrajectories' && now > config.trials) continue;
    const v = largestFitting(config, s, MINIMUM[s]);
    if (v !== undefined && v < now) ways.push(`lower ${name(s)} from ${fmt(now)} to at most ${fmt(v)}`);
  }
  if (config.methods.length > 1) {
    const roles = methodRoles(config);
    if (fits({ ...config, methods: [config.methods[Math.max(0, roles.sgd)]] })) {
      const pair = config.methods.length === 2 && roles.gd >= 0;
      ways.push(
        pair
          ? `run SGD without GD (${name('compareGd')}: false)`
          : `run one method instead of ${config.methods.length} (${name('methods')})`,
      );
    }
  }
  const radii = smoothingRadii(config);
  if (radii.length > 1 && largest.setting === 'resolution') {
    const one = radii[0];
    const single = config.stages.map((st) =>
      st.noise === 'none' || st.radius <= 0 ? st : { ...st, noise: one.noise, radius: one.radius },
    );
    if (fits({ ...config, stages: single }))
      ways.push(`use one noise radius in the stages (${radii.length} distinct now, each adds a g map and a c(y) map)`);
  }
  const message =
    `the run's result would hold ${fmt(size.total)} numbers (${fmt(largest.numbers)} of them ${largest.what}), ` +
    `more than the ${fmt(RESULT_NUMBERS_MAX)} one run may keep (about 425 MB of RESULT.json); ` +
    (ways.length
      ? `each of these alone makes it fit: ${ways.join('; or ')}`
      : `no one setting makes it fit: lower ${largest.settings.map(name).join(' and ')} together with trials`);
  return { setting: name(largest.setting), message };
}
