/**
 * Runs an experiment over a pool of `worker_threads` workers (all cores by default): every method's
 * trials in contiguous chunks, the landscape in row blocks, then the diagnostics. The calling
 * thread only coordinates, so the extension host stays responsive.
 *
 * Two parts under it: `scheduler.ts` (worker slots, queue, heartbeat watchdog, kill and replace)
 * and `plan.ts` (chunk sizes, progress weights, partial merging, phase timing). This file puts
 * them together and adds the run's own limits: the time limit and cancellation.
 *
 * A run fails as soon as any of its jobs fails (the landscape rows are queued first, so a loss that
 * throws or hangs somewhere on the domain is found early, with its input), and its workers are
 * retired when it ends, so the next run starts from a fresh module. A landscape with no finite
 * value anywhere fails the run; otherwise non-finite points are gaps (`Landscape.nonFinite`).
 */
import { methodRoles } from '../engine/config';
import { assembleResult } from '../engine/experiment';
import { diagnosticsInput } from '../engine/diagnostics';
import { mergeMethodResults } from '../engine/sgd';
import { packMethodResult } from '../engine/packedTrials';
import { packLandscape, unpackLandscape, type PackedLandscape } from '../engine/packedLandscape';
import { joinGradientGrids, landscapeKey, landscapeRows, type GradientGrid } from '../engine/landscape';
import { NOISE_MODELS, joinModelFinals, modelTrialsExpected, modelTrialsSummary } from '../engine/noiseModelTrials';
import { projectModelFinals } from '../engine/plane';
import type { ExperimentResult, Landscape, RunConfig, Smoothness } from '../engine/types';
import type { LossRef, ModuleInfo, Task, TaskResultOf } from '../protocol/worker';
import { Scheduler, type Job } from './scheduler';
import { RunFailure, failures } from './failure';
import type { OutputMessage } from '../protocol/worker';
import {
  PartialResults,
  PhaseClock,
  ProgressTally,
  gradientBlocks,
  modelTrialChunks,
  joinLandscape,
  landscapeBlocks,
  phaseLabel,
  trialChunks,
  weights,
  type Phase,
  type Report,
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
  /**
   * What the user's code prints (console.*, process.stdout/stderr), at most `OUTPUT_RUN_CAP` characters
   * per run or inspect and then one line saying how much more there was. Default: process.stderr.
   */
  onOutput?(text: string): void;
  /**
   * A runner that serves many runs (the extension's): after each run or batch it starts fresh
   * workers for the next (`prestart`), so a run finds its workers up instead of starting them, and
   * it keeps the landscapes of its last runs (`LANDSCAPES_KEPT`) for runs that would compute the
   * same one. The CLI, which runs once, does neither. Idle workers never hold the process open.
   */
  keepWarm?: boolean;
}

/** Landscapes (with their ∇g maps and L) a runner keeps for later runs of the same loss and settings. */
const LANDSCAPES_KEPT = 4;

/** What a run computes from the loss and `landscapeKey` of its settings alone, whatever its trials. */
interface KeptLandscape {
  /** Packed: a run unpacks its own copy, and sends this to the diagnostics as it is. */
  landscape: PackedLandscape;
  /** 2-D: the c(y) maps' ∇g. */
  gradients?: GradientGrid[];
  /** `smoothnessEstimate`: its grid or its seeded points read only keyed settings (the seed for d > 2). */
  smoothness: Smoothness;
}

/** Characters of the user's output passed on per run (the workers cap what they send, too). */
export const OUTPUT_RUN_CAP = 64 * 1024;

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

/** Queues one task of a batch (see `ExperimentRunner.batch`). */
export type BatchSubmit = <T extends Task>(
  config: RunConfig,
  task: T,
  opts?: { stallMs?: number; onProgress?(done: number, total: number): void },
) => Job<TaskResultOf<T['kind']>>;

export class ExperimentRunner {
  private readonly scheduler: Scheduler;
  readonly size: number;
  /**
   * The landscape and ∇g maps of recent runs, by loss (its bundle's content-hashed path, export,
   * argument style and dimension) and `landscapeKey` of the settings: a run that changes only what
   * the landscape does not read (seed in 1-D and 2-D, trials, lr, steps, methods, …) reuses them
   * instead of computing them again. Most recent last; a copy of the landscape goes to each result.
   */
  private readonly landscapes = new Map<string, KeptLandscape>();
  /** `prestart` was called: preparation batches start their replacement workers early (`batch`). */
  private prestarted = false;

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
    const key = JSON.stringify([loss.bundlePath, loss.exportName, loss.argStyle, loss.dim, landscapeKey(config)]);

    const work = async (pool: BatchSubmit, fail: (e: unknown) => void): Promise<ExperimentResult> => {
      /** `weight`: a task's progress weight, or the report of one reserved before (`tally.add`). */
      const submit = <T extends Task>(task: T, phase: Phase, weight: number | Report): Promise<TaskResultOf<T['kind']>> => {
        const report = typeof weight === 'number' ? tally.add(weight) : weight;
        const job = pool(config, task, {
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
      // The noise-model trials come after the diagnostics; their progress is counted from the start.
      const modelRanges = modelTrialsExpected(config) ? modelTrialChunks(config, n) : [];
      const modelReports = NOISE_MODELS.flatMap(() => modelRanges.map((range) => tally.add(weights.trials(config, range))));
      const planeReport = config.dim > 2 ? tally.add(weights.diagnostics(config)) : undefined;
      const landscapeGradients: GradientGrid[] = [];
      const kept = this.opts.keepWarm ? this.keptLandscape(key) : undefined;
      // Trials and landscape rows are independent: queue them all at once, the landscape first
      // (the live charts draw over it, and it meets the loss all over the domain early). A kept
      // landscape is unpacked into this run's copy once everything is queued (a microtask after
      // this synchronous part): the workers start on the trials meanwhile.
      const landscapeP: Promise<Landscape> = kept
        ? Promise.resolve().then(() => {
            const landscape = unpackLandscape(kept.landscape);
            partial.setLandscape(landscape);
            return landscape;
          })
        : Promise.all(
            landscapeBlocks(config, n).map((rows) =>
              submit(
                // 2-D: with ∇g for the diagnostics, from the same lattice samples as g.
                { kind: 'landscape', args: { rowFrom: rows[0], rowTo: rows[1], xStar: config.xStar, gradients: config.dim === 2 } },
                'landscape',
                weights.landscape(config, rows),
              ),
            ),
          ).then((parts) => {
            landscapeGradients.push(...parts.flatMap((p) => p.gradients ?? []));
            const landscape = joinLandscape(parts.map((p) => p.landscape));
            const none = noFiniteValue(loss, landscape);
            if (none) throw none;
            partial.setLandscape(landscape);
            return landscape;
          });
      // f nowhere finite ends the run as soon as the landscape is in, not after the trials.
      landscapeP.catch(fail);
      // What the diagnostics worker is sent, packed while the trials run (and kept for later runs).
      const packedP: Promise<PackedLandscape> = kept ? Promise.resolve(kept.landscape) : landscapeP.then(packLandscape);
      packedP.catch(() => undefined);
      // L (a few hundred thousand loss calls on a 2-D grid) beside the trials, not after them in the diagnostics.
      const smoothnessP: Promise<Smoothness> = kept
        ? Promise.resolve(kept.smoothness)
        : submit({ kind: 'smoothness', args: {} }, 'landscape', weights.diagnostics(config));
      smoothnessP.catch(() => undefined);
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
      // 2-D: the c(y) maps' ∇g the landscape's blocks do not compute with g (`gradientBlocks`), in row
      // blocks on every worker, queued behind the trials (it needs neither them nor x*); the
      // diagnostics task below only reads the joined maps.
      const gradientsP = kept
        ? Promise.resolve(kept.gradients)
        : Promise.all(
            gradientBlocks(config, n).map(({ radius, noise, rows }) =>
              submit(
                { kind: 'gradients', args: { radius, noise, rowFrom: rows[0], rowTo: rows[1] } },
                'diagnostics',
                weights.gradients(config, rows),
              ),
            ),
          ).then(async (parts) => {
            await landscapeP;
            return joinGradientGrids([...landscapeGradients, ...parts], landscapeRows(config));
          });
      gradientsP.catch(() => undefined);
      if (this.opts.keepWarm && !kept)
        void Promise.all([packedP, gradientsP, smoothnessP]).then(
          ([landscape, gradients, smoothness]) =>
            this.keepLandscape(key, { landscape, smoothness, ...(config.dim === 2 && gradients ? { gradients } : {}) }),
          () => undefined,
        );
      const methods = [];
      for (const p of methodPs) methods.push(mergeMethodResults(await p));
      const gradients = config.dim === 2 ? await gradientsP : undefined;
      const roles = methodRoles(config);
      const slim = diagnosticsInput(config, methods);
      const sent = await landscapeP;
      const answer = await submit(
        {
          kind: 'diagnostics',
          // Only what the diagnostics read (the full methods stay here for the result).
          // Packed: typed arrays clone as one copy each, per-trial arrays and grid rows one by one
          // (packedTrials.ts, packedLandscape.ts).
          args: {
            landscape: await packedP,
            methods: slim.map((m) => packMethodResult(m, config.dim).packed),
            smoothness: await smoothnessP,
            ...(gradients ? { gradients } : {}),
          },
        },
        'diagnostics',
        weights.diagnostics(config),
      );
      const { diagnostics, modelTrialsPending, planePending } = answer;
      // d > 2: the landscape comes back with its slices through the x* found from the finals; else
      // it is the one sent, which is not copied back.
      const landscape = answer.landscape ?? sent;
      const noise = diagnostics.gradientNoise;
      // d > 2: the plane through x* on one worker while the others start on the model trials.
      const planeP = planePending
        ? submit(
            { kind: 'plane', args: { xStar: diagnostics.xStar, sgd: slim[roles.sgd], ...(noise ? { noise: { ...noise } } : {}) } },
            'diagnostics',
            planeReport ?? weights.diagnostics(config),
          )
        : undefined;
      planeP?.catch(() => undefined);
      if (!planePending) planeReport?.(1, 1);
      if (modelTrialsPending && noise) {
        // The noise-model trials: each model's trial ranges on every worker, joined in trial order.
        const sgd = methods[roles.sgd];
        const { lr, covariance, isotropicSigma } = noise;
        const finals = await Promise.all(
          NOISE_MODELS.map((model, k) =>
            Promise.all(
              (modelRanges.length ? modelRanges : modelTrialChunks(config, n)).map(([from, to], i) =>
                submit(
                  {
                    kind: 'modelTrials',
                    args: { model, from, to, starts: sgd.starts.slice(from, to), noise: { lr, covariance, isotropicSigma } },
                  },
                  'diagnostics',
                  modelReports[k * modelRanges.length + i] ?? weights.trials(config, [from, to]),
                ),
              ),
            ).then(joinModelFinals),
          ),
        );
        noise.modelTrials = modelTrialsSummary(config, sgd, diagnostics.targets, diagnostics.successRadius, {
          anisotropic: finals[0],
          isotropic: finals[1],
        });
      } else modelReports.forEach((report) => report(1, 1));
      if (planeP) {
        const plane = await planeP;
        if (plane) diagnostics.plane = plane;
      }
      // The model trials' finals on the plane, once both are in (as the one-thread finishRun does).
      if (diagnostics.plane && noise?.modelTrials) diagnostics.plane.modelFinals = projectModelFinals(diagnostics.plane, noise.modelTrials);
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
   * Work of several tasks as one unit (a run, a sweep): `plan` queues tasks on the pool through
   * the `submit` it is given. The first task that fails ends the whole at once (as does `fail`),
   * and so do the time limit and `signal`; then every task it queued is cancelled. Its tasks run
   * on workers of their own, terminated when it ends (see scheduler.ts), and what the user's code
   * prints goes to `onOutput`, capped (nowhere when `quiet`). Rejects with RunFailure.
   * `beforeRun`: preparation of a run (the default domain's search, the curvature), whose worker is
   * retired when it ends: on a prestarted pool the worker the run will take in its place starts
   * now, while this work runs, instead of after it (one worker's start-up, ~0.1-0.15 s, off the
   * run's path; the pool holds `size + 1` workers meanwhile).
   */
  async batch<R>(
    loss: LossRef,
    signal: AbortSignal | undefined,
    plan: (submit: BatchSubmit, fail: (e: unknown) => void) => Promise<R>,
    opts: { quiet?: boolean; beforeRun?: boolean } = {},
  ): Promise<R> {
    if (this.scheduler.isDisposed) throw new Error('runner disposed');
    if (opts.beforeRun && this.prestarted) this.scheduler.prestart(1);
    const owner = {};
    const jobs: Array<Job<unknown>> = [];
    // quiet: work before the run (the default domain's search) whose printing the run repeats.
    const output = new OutputTally(loss.exportName, opts.quiet ? () => undefined : this.opts.onOutput);
    let fail!: (e: unknown) => void;
    const failed = new Promise<never>((_, reject) => (fail = reject));
    failed.catch(() => undefined);
    const submit: BatchSubmit = (config, task, opts = {}) => {
      const job = this.scheduler.run(owner, loss, config, task, {
        stallMs: opts.stallMs ?? this.stallMs,
        onProgress: opts.onProgress,
        onOutput: (m) => output.add(m),
      });
      jobs.push(job);
      job.result.catch(fail);
      return job;
    };
    const limits = new RunLimits(loss, this.opts.timeLimitMs, signal);
    try {
      return await Promise.race([plan(submit, fail), failed, limits.broken]);
    } catch (e) {
      this.scheduler.cancel(jobs);
      throw e instanceof RunFailure ? e : failures.engine(loss, `internal error: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      limits.clear();
      output.end();
      this.scheduler.retire(owner);
      if (this.opts.keepWarm) this.scheduler.prestart();
    }
  }

  /**
   * The kept landscape for `key`, made most recent. Its landscape is packed: a run unpacks its own
   * copy (results may be changed by their readers), and nothing changes the packed one.
   */
  private keptLandscape(key: string): KeptLandscape | undefined {
    const kept = this.landscapes.get(key);
    if (!kept) return undefined;
    this.landscapes.delete(key);
    this.landscapes.set(key, kept);
    return kept;
  }

  /** `kept.landscape` is a packed copy that shares nothing with the run's result. */
  private keepLandscape(key: string, kept: KeptLandscape): void {
    this.landscapes.delete(key);
    this.landscapes.set(key, kept);
    while (this.landscapes.size > LANDSCAPES_KEPT) this.landscapes.delete(this.landscapes.keys().next().value!);
  }

  /** Loads the module in a worker and reports its exports and `<name>Options` (never on this thread). */
  async inspect(loss: LossRef, signal?: AbortSignal): Promise<ModuleInfo> {
    const output = new OutputTally(loss.exportName, this.opts.onOutput);
    const job = this.scheduler.inspect(loss, { stallMs: this.stallMs, onOutput: (m) => output.add(m) });
    const abort = () => this.scheduler.cancel([job]);
    if (signal?.aborted) abort();
    signal?.addEventListener('abort', abort, { once: true });
    try {
      return await job.result;
    } finally {
      signal?.removeEventListener('abort', abort);
      output.end();
    }
  }

  /** Starts the pool's workers ahead of the first job (Scheduler.prestart); the CLI calls it before preparing. */
  prestart(): void {
    this.prestarted = true;
    this.scheduler.prestart();
  }

  /** Live worker threads (idle ones included). */
  get workerCount(): number {
    return this.scheduler.workerCount;
  }

  /** Terminates all workers. */
  dispose(): void {
    this.scheduler.dispose();
  }
}

/** A landscape on which f is not finite at any point: nothing to draw or measure, so the run fails. */
function noFiniteValue(loss: LossRef, landscape: ExperimentResult['landscape']): RunFailure | undefined {
  const nf = landscape.nonFinite;
  if (!nf || nf.count < nf.of) return undefined;
  return new RunFailure({
    kind: 'invalid',
    message:
      `${loss.exportName} is not finite anywhere on the landscape: it returned ${nf.value} at x = [${nf.at.join(', ')}] and at all ${nf.of} grid points` +
      ` (the domain may miss where it is defined; see "Non-finite values" in the README) (${loss.sourceFile}${loss.line !== undefined ? `:${loss.line}` : ''})`,
    exportName: loss.exportName,
    file: loss.sourceFile,
    line: loss.line,
    input: nf.at,
  });
}

/** The user's output of one run, passed on up to OUTPUT_RUN_CAP characters, the rest counted. */
class OutputTally {
  private passed = 0;
  private droppedBytes = 0;
  private droppedLines = 0;

  constructor(
    private readonly exportName: string,
    private readonly sink: (text: string) => void = (t) => process.stderr.write(t),
  ) {}

  add(m: OutputMessage): void {
    this.droppedBytes += m.droppedBytes;
    this.droppedLines += m.droppedLines;
    if (!m.text) return;
    const room = OUTPUT_RUN_CAP - this.passed;
    const text = m.text.length <= room ? m.text : m.text.slice(0, Math.max(0, room));
    if (text) this.sink(text);
    this.passed += text.length;
    if (text.length < m.text.length) {
      const rest = m.text.slice(text.length);
      this.droppedBytes += rest.length;
      this.droppedLines += rest.split('\n').length - 1;
    }
  }

  /** Says how much was not shown, once. */
  end(): void {
    if (this.droppedBytes === 0) return;
    const mb =
      this.droppedBytes >= 2 ** 20 ? `${(this.droppedBytes / 2 ** 20).toFixed(1)} MB` : `${Math.ceil(this.droppedBytes / 1024)} KB`;
    this.sink(`[${this.exportName} printed ${mb} more (${this.droppedLines} lines) that are not shown]\n`);
    this.droppedBytes = 0;
    this.droppedLines = 0;
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
