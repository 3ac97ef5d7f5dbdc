/**
 * Runs an experiment over a pool of `worker_threads` workers (all cores by default): every method's
 * trials in contiguous chunks, the landscape in row blocks, then the diagnostics. The calling
 * thread only coordinates, so the extension host stays responsive.
 *
 * Two parts under it: `scheduler.ts` (worker slots, queue, heartbeat watchdog, kill and replace)
 * and `plan.ts` (chunk sizes, progress weights, partial merging, phase timing). This file puts
 * them together and adds the run's own limits: the time limit and cancellation.
 */
import { methodRoles } from '../engine/config';
import { assembleResult } from '../engine/experiment';
import { mergeMethodResults } from '../engine/sgd';
import type { ExperimentResult, RunConfig } from '../engine/types';
import type { LossRef, ModuleInfo, Task, TaskResultOf } from '../protocol/worker';
import { Scheduler, type Job } from './scheduler';
import { RunFailure, failures } from './failure';
import {
  PartialResults,
  PhaseClock,
  ProgressTally,
  joinLandscape,
  landscapeBlocks,
  phaseLabel,
  trialChunks,
  weights,
  type Phase,
  type RunPartial,
} from './plan';

export { DEFAULT_WORKER_SCRIPT } from './scheduler';
export type { Phase, RunPartial } from './plan';

export interface RunnerOptions {
  /** Path of dist/worker.js. */
  workerScript?: string;
  /** Worker threads; 0 or absent = all cores. */
  workers?: number;
  /** Whole-run limit. */
  timeLimitMs?: number;
  /** A loss call that has not returned after this long is stopped. */
  stallMs?: number;
  /** Heap limit per worker. */
  memoryLimitMb?: number;
}

export interface RunProgress {
  /** What the run is doing: a method's name (its trials), `landscape` or `diagnostics`. */
  phase: string;
  /** Work units done / total over the whole run (steps of all trials, grid rows). */
  done: number;
  total: number;
}

export interface RunOptions {
  onProgress?(p: RunProgress): void;
  /**
   * Called as trial chunks complete and once the landscape is merged, at most every
   * `partialIntervalMs` (the latest state wins; nothing is called after the run settles).
   */
  onPartial?(p: RunPartial): void;
  /** Least time between two `onPartial` calls; default 250 ms. */
  partialIntervalMs?: number;
  signal?: AbortSignal;
  source?: { file: string; exportName: string };
}

/** Tasks without a heartbeat (the diagnostics, a sweep's x* and c) get at least this long before the watchdog steps in. */
const LONG_TASK_STALL_MS = 120_000;

/** Queues one task of a batch (see `ExperimentRunner.batch`). */
export type BatchSubmit = <T extends Task>(
  config: RunConfig,
  task: T,
  opts?: { stallMs?: number; onProgress?(done: number, total: number): void },
) => Job<TaskResultOf<T['kind']>>;

export class ExperimentRunner {
  private readonly scheduler: Scheduler;
  readonly size: number;

  constructor(private readonly opts: RunnerOptions = {}) {
    this.scheduler = new Scheduler(opts);
    this.size = this.scheduler.size;
  }

  private get stallMs(): number {
    return this.opts.stallMs ?? 10_000;
  }

  /** Runs the whole experiment; rejects with RunFailure (kind 'cancelled' when aborted). */
  async run(loss: LossRef, config: RunConfig, ro: RunOptions = {}): Promise<ExperimentResult> {
    const startedAt = new Date();
    const t0 = performance.now();
    const n = this.size;
    const tally = new ProgressTally();
    const clock = new PhaseClock();
    const partial = new PartialResults(config, ro.onPartial, ro.partialIntervalMs);

    const work = async (pool: BatchSubmit): Promise<ExperimentResult> => {
      const submit = <T extends Task>(task: T, phase: Phase, weight: number, stallMs = this.stallMs): Promise<TaskResultOf<T['kind']>> => {
        const report = tally.add(weight);
        const job = pool(config, task, {
          stallMs,
          onProgress: (done, total) => {
            report(done, total);
            ro.onProgress?.({ phase: phaseLabel(config, phase), ...tally.snapshot });
          },
        });
        return job.result.then((r) => {
          clock.record(phase, job.startedAt);
          return r;
        });
      };
      // Trials and landscape rows are independent: queue them all at once, the landscape first
      // (the live charts draw over it).
      const landscapeP = Promise.all(
        landscapeBlocks(config, n).map((rows) =>
          submit(
            { kind: 'landscape', args: { rowFrom: rows[0], rowTo: rows[1], xStar: config.xStar } },
            'landscape',
            weights.landscape(config, rows),
          ),
        ),
      ).then((parts) => {
        const landscape = joinLandscape(parts);
        partial.setLandscape(landscape);
        return landscape;
      });
      const trials = (method: number) =>
        Promise.all(
          trialChunks(config, n).map((range, i) =>
            submit({ kind: 'trials', args: { method, from: range[0], to: range[1] } }, { method }, weights.trials(config, range)).then(
              (part) => {
                partial.addTrials(method, i, part);
                return part;
              },
            ),
          ),
        );
      // Every method's chunks are queued at once, in method order.
      const methodPs = config.methods.map((_, i) => trials(i));
      // When one fails the run ends; the others' later rejections are expected, not unhandled.
      for (const p of [...methodPs, landscapeP]) p.catch(() => undefined);
      const methods = [];
      for (const p of methodPs) methods.push(mergeMethodResults(await p));
      const landscape = await landscapeP;
      const diagnostics = await submit(
        { kind: 'diagnostics', args: { landscape, methods } },
        'diagnostics',
        weights.diagnostics(config),
        this.longTaskStallMs,
      );
      const roles = methodRoles(config);
      const methodsMs = config.methods.map((_, method) => clock.ms({ method }));
      const timing = {
        trialsMs: methodsMs[roles.sgd],
        gdMs: roles.gd >= 0 ? methodsMs[roles.gd] : 0,
        methodsMs,
        landscapeMs: clock.ms('landscape'),
        diagnosticsMs: clock.ms('diagnostics'),
        totalMs: performance.now() - t0,
        workers: n,
      };
      return assembleResult(config, methods, landscape, diagnostics, timing, startedAt, ro.source);
    };

    try {
      return await this.batch(loss, ro.signal, work);
    } finally {
      partial.settle();
    }
  }

  /**
   * Stall limit of a task that calls the loss without a heartbeat for a long time (the
   * diagnostics, a sweep's x* and c): at least two minutes before the watchdog steps in.
   */
  get longTaskStallMs(): number {
    return Math.max(this.stallMs, LONG_TASK_STALL_MS);
  }

  /**
   * Work of several tasks as one unit (a run, a sweep): `plan` queues tasks on the pool through
   * the `submit` it is given; the whole is bounded by the time limit and `signal`, and when it
   * fails or is aborted every task it queued is cancelled. Rejects with RunFailure.
   */
  async batch<R>(loss: LossRef, signal: AbortSignal | undefined, plan: (submit: BatchSubmit) => Promise<R>): Promise<R> {
    if (this.scheduler.isDisposed) throw new Error('runner disposed');
    const jobs: Array<Job<unknown>> = [];
    const submit: BatchSubmit = (config, task, opts = {}) => {
      const job = this.scheduler.run(loss, config, task, { stallMs: opts.stallMs ?? this.stallMs, onProgress: opts.onProgress });
      jobs.push(job);
      return job;
    };
    const limits = new RunLimits(loss, this.opts.timeLimitMs, signal);
    try {
      return await Promise.race([plan(submit), limits.broken]);
    } catch (e) {
      this.scheduler.cancel(jobs);
      throw e instanceof RunFailure ? e : failures.engine(loss, String(e));
    } finally {
      limits.clear();
    }
  }

  /** Loads the module in a worker and reports its exports and `<name>Options` (never on this thread). */
  async inspect(loss: LossRef, signal?: AbortSignal): Promise<ModuleInfo> {
    const job = this.scheduler.inspect(loss, { stallMs: this.stallMs });
    const abort = () => this.scheduler.cancel([job]);
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      return await job.result;
    } finally {
      signal?.removeEventListener('abort', abort);
    }
  }

  /** Terminates all workers. */
  dispose(): void {
    this.scheduler.dispose();
  }
}

/** A run's time limit and abort signal, as one promise that rejects with the reason. */
class RunLimits {
  readonly broken: Promise<never>;
  private timer?: NodeJS.Timeout;
  private onAbort?: () => void;

  constructor(
    loss: LossRef,
    timeLimitMs: number | undefined,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.broken = new Promise<never>((_, reject) => {
      if (timeLimitMs && timeLimitMs > 0) this.timer = setTimeout(() => reject(failures.timeLimit(loss, timeLimitMs)), timeLimitMs);
      if (signal) {
        this.onAbort = () => reject(failures.cancelled(loss));
        if (signal.aborted) this.onAbort();
        else signal.addEventListener('abort', this.onAbort, { once: true });
      }
    });
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.onAbort) this.signal?.removeEventListener('abort', this.onAbort);
  }
}
