/**
 * An experiment as pool tasks: how trials and landscape rows are cut into chunks and weighted
 * for progress, how chunk results merge into partial results while the run goes, and how long
 * each phase took. No threads here: `pool.ts` submits the chunks to the scheduler.
 */
import { totalSteps } from '../engine/schedule';
import { gradientRowsSplit, gradientsWithLandscape, landscapeRows, landscapeRowsSplit, mergeLandscapes } from '../engine/landscape';
import { convexityRadii } from '../engine/convexity';
import { mergeMethodResults } from '../engine/sgd';
import { methodRoles } from '../engine/config';
import type { Landscape, MethodResult, NoiseKind, RunConfig } from '../engine/types';

/** A part of a run: one method's trials (by its index in config.methods), the landscape, the diagnostics. */
export type Phase = { method: number } | 'landscape' | 'diagnostics';

/** How progress names a phase: the method's name, `landscape` or `diagnostics`. */
export function phaseLabel(config: RunConfig, phase: Phase): string {
  return typeof phase === 'string' ? phase : (config.methods[phase.method]?.name ?? 'trials');
}

/** A contiguous range [from, to). */
export type Range = readonly [from: number, to: number];

/** `count` items in k contiguous ranges whose sizes differ by at most one (in order). */
export function split(count: number, k: number): Range[] {
  return Array.from({ length: k }, (_, i) => [Math.floor((i * count) / k), Math.floor(((i + 1) * count) / k)] as const);
}

/**
 * Trial ranges: one per worker, and for long runs up to 4 per worker (each of at least 8 trials
 * and ~2M steps, ≈ 0.2 s) so partial results stream in. More chunks cost throughput (measured:
 * 1000 × 20000 steps on 2 workers, 1 chunk each ≈ 0.78 s, 4 each ≈ 0.95 s), so short runs are
 * not split further. Beyond one per worker, a multiple of the workers: chunks of equal work then
 * end together (10000 × 1000 was cut in 5 on 2 workers, and one worker ran the fifth chunk, ~0.7 s,
 * while the other idled). Every trial has its own seeded stream, so the split does not change the numbers.
 */
export function trialChunks(config: RunConfig, workers: number): Range[] {
  const T = totalSteps(config);
  const wanted = Math.min(4 * workers, Math.floor((config.trials * T) / 2e6), Math.floor(config.trials / 8));
  const k = wanted > workers ? Math.floor(wanted / workers) * workers : wanted;
  return split(config.trials, Math.max(Math.min(config.trials, workers), k));
}

/**
 * Landscape row blocks: one per worker (rows are independent; `landscapeRows` counts them), or one
 * for the whole grid when a 2-D disk goes by FFT, which every block would otherwise repeat on the
 * whole lattice (`landscapeRowsSplit`); the other workers take trial chunks meanwhile.
 */
export function landscapeBlocks(config: RunConfig, workers: number): Range[] {
  const rows = landscapeRows(config);
  return split(rows, landscapeRowsSplit(config) ? Math.min(rows, workers) : 1);
}

/**
 * 2-D: the diagnostics' ∇g for each c(y) map's smoothing (`convexityRadii`) that the landscape's
 * blocks do not compute with g (`gradientsWithLandscape`: f itself, or a disk whose g and ∇g go by
 * different methods), in row blocks, one per worker (one block for a disk that goes by FFT, `gradientRowsSplit`); none for other dimensions.
 * Blocks give the same numbers bit for bit, so any worker count joins into the same maps.
 */
export function gradientBlocks(config: RunConfig, workers: number): Array<{ radius: number; noise: NoiseKind; rows: Range }> {
  if (config.dim !== 2) return [];
  const rows = landscapeRows(config);
  const done = gradientsWithLandscape(config);
  const rest = convexityRadii(config).filter(({ radius, noise }) => !done.some((d) => d.radius === radius && d.noise === noise));
  return rest.flatMap(({ radius, noise }) =>
    split(rows, gradientRowsSplit(config, radius, noise) ? Math.min(rows, workers) : 1).map((r) => ({ radius, noise, rows: r })),
  );
}

/**
 * Trial ranges of each noise-model rerun (`modelTrials` tasks): at least one per worker, and up to 4
 * per worker of at least 8 trials each, so they fill the workers around the d > 2 plane task and
 * each other. Each trial draws from its own stream, so the ranges join into the one-thread finals
 * on any worker count.
 */
export function modelTrialChunks(config: RunConfig, workers: number): Range[] {
  const wanted = Math.min(4 * workers, Math.floor(config.trials / 8));
  return split(config.trials, Math.max(1, Math.min(config.trials, workers), wanted));
}

/**
 * Progress weights, in steps of one trial: a trial chunk weighs its steps; the whole landscape
 * like ~1/4 of all trials (it is cheaper per unit), shared by its blocks in proportion to their
 * rows; the diagnostics like 1/20 of all trials.
 */
export const weights = {
  trials: (config: RunConfig, [from, to]: Range) => (to - from) * totalSteps(config),
  landscape: (config: RunConfig, [from, to]: Range) =>
    ((to - from) / landscapeRows(config)) * Math.max(1, (config.trials * totalSteps(config)) / 4),
  diagnostics: (config: RunConfig) => Math.max(1, (config.trials * totalSteps(config)) / 20),
  /** A ∇g block: like the diagnostics per smoothing, shared by its blocks in proportion to their rows. */
  gradients: (config: RunConfig, [from, to]: Range) =>
    ((to - from) / landscapeRows(config)) * Math.max(1, (config.trials * totalSteps(config)) / 20),
};

/** A task's progress report: units done of its own total. */
export type Report = (done: number, total: number) => void;

/** Progress over the whole run: each task's fraction done times its weight. */
export class ProgressTally {
  private readonly done = new Map<number, number>();
  private total = 0;
  private nextKey = 0;

  /** Adds a task of this weight; returns its report function (units done of the task's own total). */
  add(weight: number): Report {
    const key = this.nextKey++;
    this.total += weight;
    this.done.set(key, 0);
    return (d, t) => this.done.set(key, (d / Math.max(1, t)) * weight);
  }

  get snapshot(): { done: number; total: number } {
    let done = 0;
    for (const v of this.done.values()) done += v;
    return { done, total: this.total };
  }
}

/** Wall-clock span of each phase's own tasks (phases overlap on the pool). */
export class PhaseClock {
  private readonly spans = new Map<string, { from: number; to: number }>();

  private static key(phase: Phase): string {
    return typeof phase === 'string' ? phase : `method ${phase.method}`;
  }

  /** A task of `phase` ran from `startedAt` until now (performance.now()). */
  record(phase: Phase, startedAt: number | undefined): void {
    const now = performance.now();
    const key = PhaseClock.key(phase);
    const span = this.spans.get(key) ?? { from: Infinity, to: 0 };
    span.from = Math.min(span.from, startedAt ?? now);
    span.to = Math.max(span.to, now);
    this.spans.set(key, span);
  }

  ms(phase: Phase): number {
    const span = this.spans.get(PhaseClock.key(phase));
    return span ? span.to - span.from : 0;
  }
}

/** What exists of a run before it completes (see `RunOptions.onPartial`). */
export interface RunPartial {
  /** The merged landscape, once all its row blocks are done. */
  landscape?: Landscape;
  /**
   * Each method's trial chunks done so far (config order), merged in trial order (trials may be
   * missing in between); undefined for a method with none done yet.
   */
  methods?: Array<MethodResult | undefined>;
  /** The methods of the roles `sgd` and `gd` (methodRoles), as in `methods`. */
  sgd?: MethodResult;
  gd?: MethodResult;
  /** Trials of the `sgd` method done so far (of config.trials). */
  trialsDone: number;
}

/**
 * Chunk results as they arrive, kept by chunk index and merged only when reported; reports are
 * throttled to one per `intervalMs` (at once when the last is old enough, else one trailing
 * report), and none after `settle()`.
 */
export class PartialResults {
  private readonly parts: Array<Array<MethodResult | undefined>>;
  private readonly roles: { sgd: number; gd: number };
  private landscape?: Landscape;
  private trialsDone = 0;
  private settled = false;
  private timer?: NodeJS.Timeout;
  private lastAt = -Infinity;

  constructor(
    config: RunConfig,
    private readonly report: ((p: RunPartial) => void) | undefined,
    private readonly intervalMs = 250,
  ) {
    this.parts = config.methods.map(() => []);
    this.roles = methodRoles(config);
  }

  /** Chunk `chunk` of method `method` (its index in config.methods) is done. */
  addTrials(method: number, chunk: number, part: MethodResult): void {
    this.parts[method][chunk] = part;
    if (method === this.roles.sgd) this.trialsDone += part.finals.length;
    this.changed();
  }

  setLandscape(landscape: Landscape): void {
    this.landscape = landscape;
    this.changed();
  }

  /** The run is over: nothing more is reported. */
  settle(): void {
    this.settled = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private changed(): void {
    if (this.settled || !this.report || this.timer) return;
    this.timer = setTimeout(() => this.emit(), Math.max(0, this.lastAt + this.intervalMs - performance.now()));
    this.timer.unref?.();
  }

  private emit(): void {
    this.timer = undefined;
    if (this.settled || !this.report) return;
    this.lastAt = performance.now();
    const methods = this.parts.map(merged);
    const p: RunPartial = { methods, trialsDone: this.trialsDone };
    if (this.landscape) p.landscape = this.landscape;
    const sgd = methods[this.roles.sgd];
    if (sgd) p.sgd = sgd;
    const gd = this.roles.gd >= 0 ? methods[this.roles.gd] : undefined;
    if (gd) p.gd = gd;
    this.report(p);
  }
}

function merged(parts: Array<MethodResult | undefined>): MethodResult | undefined {
  const done = parts.filter((p): p is MethodResult => !!p);
  return done.length ? mergeMethodResults(done, true) : undefined;
}

/** Joins a landscape's row blocks (in row order). */
export function joinLandscape(parts: Landscape[]): Landscape {
  return parts.length === 1 ? parts[0] : mergeLandscapes(parts);
}
