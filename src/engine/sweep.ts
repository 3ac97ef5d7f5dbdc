/**
 * Sweeps: one experiment over a grid of noise radius × learning rate (× steps or trials), the
 * paper's question asked all at once — for which radius and η does SGD end near x*, and does that
 * match where the smoothed landscape is one-point convex (Theorem 1's conditions)?
 *
 * Every cell is an ordinary run: `cellConfig` gives its RunConfig, and its numbers are those of
 * `sgd-landscape run` on that config with the same seed, because they come from the same engine
 * functions (`runTrials`, `targetConvexity`, `stageTheorems`, `successRadiusOf`, `successCount`).
 * A sweep only leaves out what a cell does not show: sampled paths, Figure 5 checkpoints, the
 * histogram, f on the grid (g too, when x* is given), and it shares what cells have in common:
 * L (one per sweep), x* and c (one per radius), GD (one per learning rate: GD has no noise).
 *
 * Pure data in, data out; the worker pool runs the pieces (src/runner/sweep.ts); the parts of a
 * sharded sweep are merged in sweepMerge.ts.
 */
import { ConfigError, defaultMethods } from './config';
import { computeLandscape, landscapeGrid } from './landscape';
import { chooseTargets, stageTheorems, successCount, successRadiusOf, targetConvexity } from './diagnostics';
import { distance } from './geometry';
import { Problems, type SweepGrid } from './settingsValidate';
import { SWEEP_AXES, inRange, rangeText, type NumberSpec } from './settingsSchema';
import type { Diagnostics, Gradient, Loss, MethodResult, RunConfig, Stage } from './types';

export type { SweepGrid };

/** SWEEP.json resolved: the run's exact settings and the grid. Itself a valid SWEEP.json. */
export type SweepConfig = RunConfig & { sweep: SweepGrid };

/** The grid's values: radius and lr always (one value when not swept), steps or trials when swept. */
export interface SweepAxes {
  radius: number[];
  lr: number[];
  steps?: number[];
  trials?: number[];
}

/** One cell's place in the grid: the first stage's radius, lr and steps, and the trials. */
export interface SweepPoint {
  radius: number;
  lr: number;
  steps: number;
  trials: number;
}

/** What a cell's x* and c depend on (its stages' radii, not its η): computed once per radius. */
export interface SweepTarget extends Pick<Diagnostics, 'xStar' | 'xStarSource' | 'targets'> {
  /** Per stage: the c Theorem 1 judges it by (NaN for a stage without noise). */
  stageC: number[];
}

/** One cell of SWEEP-RESULT.json. */
export interface SweepCell {
  lr: number;
  radius: number;
  /** The first stage's steps. */
  steps: number;
  trials: number;
  /** SGD trials ending within `successRadius` of a target (as a run counts them: x* unless targets are declared or found). */
  success: number;
  successRate: number;
  /** Wilson 95% interval of the success rate. */
  interval: [number, number];
  /** GD's rate from the same starts (when the run compares GD). */
  gdSuccessRate?: number;
  /** SGD trials that diverged (never a success). */
  diverged: number;
  /** Median ‖y_T − x*‖ over the trials that did not diverge (NaN when all did). */
  medianDistance: number;
  /** One-point convexity c of the first stage's smoothing (NaN without noise). */
  c: number;
  /** Whether the first stage meets Theorem 1's conditions: c > 0 and η < min{1/(2L), c/L², 1/(2c)}. */
  conditionHolds: boolean;
  /** The success radius this cell used. */
  successRadius: number;
  xStar: number[];
  seed: string;
}

export interface SweepTiming {
  startedAt: string;
  totalMs: number;
  workers: number;
  /** Merged results: how many parts. */
  parts?: number;
}

/** SWEEP-RESULT.json (a partial one carries `shard` and only its cells). */
export interface SweepResult {
  version: 1;
  config: SweepConfig;
  axes: SweepAxes;
  /** Which success rule the cells used: the `successRadius` setting, or the automatic rule (each cell says its radius). */
  successRule: { source: 'setting'; radius: number } | { source: 'automatic' };
  shard?: { index: number; count: number };
  cells: SweepCell[];
  source?: { file: string; exportName: string };
  timing: SweepTiming;
}

// ---- the grid ----

/** A deep copy of plain JSON data (configs hold no functions, NaN or Infinity). */
function cloneJson<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

const THIRD_AXES = ['steps', 'trials'] as const;

export function sweepAxes(config: SweepConfig): SweepAxes {
  const s0 = config.stages[0];
  const g = config.sweep;
  const axes: SweepAxes = { radius: [...(g.radius ?? [s0.radius])], lr: [...(g.lr ?? [s0.lr])] };
  if (g.steps) axes.steps = [...g.steps];
  if (g.trials) axes.trials = [...g.trials];
  return axes;
}

/** Every cell's point, in the order of SWEEP-RESULT.json's cells: steps/trials, then lr, then radius (fastest). */
export function sweepPoints(config: SweepConfig): SweepPoint[] {
  const axes = sweepAxes(config);
  const out: SweepPoint[] = [];
  const third = axes.steps ?? axes.trials ?? [undefined];
  for (const t of third) {
    for (const lr of axes.lr) {
      for (const radius of axes.radius) {
        out.push({
          radius,
          lr,
          steps: axes.steps ? (t as number) : config.stages[0].steps,
          trials: axes.trials ? (t as number) : config.trials,
        });
      }
    }
  }
  return out;
}

/** The later stages' values under `allStages`: scaled by the first stage's factor. */
function scaled(stage: Stage, s0: Stage, point: SweepPoint): Pick<Stage, 'lr' | 'radius' | 'steps'> {
  return {
    lr: point.lr === s0.lr ? stage.lr : stage.lr * (point.lr / s0.lr),
    radius: point.radius === s0.radius ? stage.radius : stage.radius * (point.radius / s0.radius),
    steps: point.steps === s0.steps ? stage.steps : Math.max(1, Math.round(stage.steps * (point.steps / s0.steps))),
  };
}

/**
 * The RunConfig of one cell: the first stage's radius, lr and steps and the run's trials replaced
 * by the point's; later stages keep theirs, or with `allStages` are scaled by the same factors
 * (steps rounded). Everything else (seed included) is the sweep's.
 */
export function cellConfig(config: SweepConfig, point: SweepPoint): RunConfig {
  const { sweep: grid, ...base } = config;
  const s0 = base.stages[0];
  const stages = base.stages.map((s, k) => {
    if (k === 0) return { ...s, lr: point.lr, radius: point.radius, steps: point.steps };
    return grid.allStages ? { ...s, ...scaled(s, s0, point) } : { ...s };
  });
  return { ...cloneJson(base), trials: point.trials, stages: cloneJson(stages) };
}

/**
 * The sweep of a resolved run and a checked grid, or a ConfigError naming each problem: a radius
 * axis over a first stage without noise, `allStages` scaling from a zero radius, a scaled later
 * stage outside its range.
 */
export function resolveSweep(base: RunConfig, grid: SweepGrid, path = 'sweep'): SweepConfig {
  const p = new Problems();
  const s0 = base.stages[0];
  if (grid.radius && s0.noise === 'none') {
    p.add(`${path}.radius`, 'sweeps the first stage\'s noise radius, but that stage has noise "none"; give it a noise law');
  }
  if (grid.radius && base.stages.some((s) => s.noise === 'minibatch')) {
    p.add(`${path}.radius`, 'sweeps the noise radius, which does not apply to noise "minibatch" (its noise is the batch\'s own)');
  }
  if (JSON.stringify(base.methods) !== JSON.stringify(defaultMethods(base.compareGd))) {
    p.add(
      'methods',
      'a sweep runs the paper\'s SGD in every cell (and GD with compareGd); other methods are not swept yet: remove "methods"',
    );
  }
  if (grid.allStages && base.stages.length > 1) {
    if (grid.radius && !(s0.radius > 0) && base.stages.slice(1).some((s) => s.radius > 0)) {
      p.add(`${path}.allStages`, "scales later stages' radii by radius / stages[0].radius, and stages[0].radius is 0");
    }
    const config: SweepConfig = { ...base, sweep: grid };
    for (const point of sweepPoints(config)) {
      const stages = cellConfig(config, point).stages;
      for (let k = 1; k < stages.length; k++) {
        for (const f of ['lr', 'radius', 'steps'] as const) {
          const spec: NumberSpec = SWEEP_AXES[f];
          const v = stages[k][f];
          if (!inRange(v, spec)) {
            p.add(`${path}.allStages`, `scales stages[${k}].${f} to ${v} at ${f} ${point[f]}, outside ${rangeText(spec)}`);
            break;
          }
        }
        if (p.count > 0) break;
      }
      if (p.count > 0) break;
    }
  }
  if (p.count > 0) throw ConfigError.from(p);
  return { ...cloneJson(base), sweep: cloneJson(grid) };
}

/** Cells [from, to) of shard `index` of `count`: contiguous, sizes differing by at most one. */
export function shardRange(cells: number, index: number, count: number): [number, number] {
  return [Math.floor((index * cells) / count), Math.floor(((index + 1) * cells) / count)];
}

/** Cells with the same key share x* and c (their stages' radii and noise laws agree). */
export function targetKey(config: RunConfig): string {
  return JSON.stringify(config.stages.map((s) => [s.radius, s.noise]));
}

/** Cells with the same key share GD's trials (everything but the noise agrees). */
export function gdKey(config: RunConfig): string {
  return JSON.stringify([config.trials, config.stages.map(({ radius: _r, noise: _n, ...rest }) => rest)]);
}

// ---- one cell ----

/**
 * x* and each stage's c for a cell's config, as a run computes them: from the full landscape
 * when x* comes from the smoothed minimum, else over the grid alone (f and g are not needed).
 */
export function sweepTarget(loss: Loss, config: RunConfig, grad?: Gradient): SweepTarget {
  const landscape = config.xStar ? landscapeGrid(config, config.xStar) : computeLandscape(loss, config, { xStar: config.xStar });
  const { xStar, xStarSource, stageC } = targetConvexity(loss, config, landscape, config.xStar, grad);
  const { targets } = chooseTargets(loss, grad, config, landscape, xStar, xStarSource);
  return { xStar, xStarSource, stageC, targets };
}

/** z of a two-sided 95% normal interval. */
const Z95 = 1.959963984540054;

/**
 * Wilson score interval for k successes in n trials: the p with |k/n − p| ≤ z·√(p(1−p)/n).
 * Unlike k/n ± z·√(p̂(1−p̂)/n) it stays inside [0, 1] and is not empty at 0 or n successes.
 */
export function wilsonInterval(k: number, n: number, z = Z95): [number, number] {
  if (!(n > 0)) return [0, 1];
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}

function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * A cell's numbers from its SGD trials, GD's (same starts, when compared), its target and L: the
 * run's own rules (Theorem 1 per stage, the success radius, the success count).
 */
export function sweepCell(
  config: RunConfig,
  sgd: MethodResult,
  gd: Pick<MethodResult, 'finals' | 'divergedMask'> | undefined,
  target: SweepTarget,
  L: number,
): SweepCell {
  const { xStar, stageC, targets } = target;
  const theorem = stageTheorems(config, L, stageC, xStar, sgd);
  const { radius: successRadius } = successRadiusOf(config, theorem);
  const n = config.trials;
  const success = successCount(sgd, targets, successRadius);
  const s0 = config.stages[0];
  const cell: SweepCell = {
    lr: s0.lr,
    radius: s0.radius,
    steps: s0.steps,
    trials: n,
    success,
    successRate: success / n,
    interval: wilsonInterval(success, n),
    ...(gd ? { gdSuccessRate: successCount(gd, targets, successRadius) / n } : {}),
    diverged: sgd.diverged,
    medianDistance: median(sgd.finals.filter((_, t) => !sgd.divergedMask[t]).map((y) => distance(y, xStar))),
    c: stageC[0] ?? NaN,
    conditionHolds: theorem.find((t) => t.stage === 0)?.conditionHolds ?? false,
    successRadius,
    xStar: [...xStar],
    seed: config.seed,
  };
  return cell;
}

// ---- the result ----

/** SWEEP-RESULT.json (whole, or one shard's part), fields always in the same order. */
export function assembleSweep(
  config: SweepConfig,
  cells: SweepCell[],
  opts: { shard?: { index: number; count: number }; source?: { file: string; exportName: string }; timing: SweepTiming },
): SweepResult {
  const result: SweepResult = {
    version: 1,
    config,
    axes: sweepAxes(config),
    successRule: config.successRadius ? { source: 'setting', radius: config.successRadius } : { source: 'automatic' },
    cells,
    timing: opts.timing,
  };
  if (opts.shard) {
    // Keep `shard` before `cells` in the JSON, so a part reads top-down.
    const { cells: c, timing, ...head } = result;
    return { ...head, shard: opts.shard, cells: c, ...(opts.source ? { source: opts.source } : {}), timing };
  }
  if (opts.source) {
    const { timing, ...head } = result;
    return { ...head, source: opts.source, timing };
  }
  return result;
}

/** The third axis a sweep has, if any. */
export function thirdAxis(axes: SweepAxes): (typeof THIRD_AXES)[number] | undefined {
  return THIRD_AXES.find((k) => axes[k]);
}
