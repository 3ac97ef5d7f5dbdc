/**
 * Runs an experiment over a pool of `worker_threads` workers (all cores by default): SGD and GD
 * trials in contiguous chunks, the landscape in row blocks, then the diagnostics. The calling
 * thread only coordinates, so the extension host stays responsive.
 *
 * Safety: each task has a shared heartbeat the worker bumps every step; a task whose heartbeat
 * has not moved for `stallMs` is a loss call that never returns: its worker is terminated (and
 * replaced on the next task) and the run fails naming the function and the input. Workers run
 * with a heap limit, so a loss that eats memory ends the worker, not the host.
 */
import { Worker } from 'node:worker_threads';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { assembleResult } from '../engine/experiment';
import { mergeMethodResults } from '../engine/sgd';
import { mergeLandscapes } from '../engine/landscape';
import { totalSteps } from '../engine/config';
import type { Diagnostics, ExperimentResult, Landscape, MethodResult, RunConfig } from '../engine/types';
import {
  SHARED_CANCEL_INDEX,
  SHARED_HEARTBEAT_INDEX,
  SHARED_INPUT_OFFSET,
  sharedBufferBytes,
  type LossRef,
  type Method,
  type ModuleInfo,
  type RunTaskMessage,
  type Task,
  type TaskResult,
  type UserError,
  type WorkerToHost,
} from '../protocol/worker';

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

export type Phase = 'sgd' | 'gd' | 'landscape' | 'diagnostics';

export interface RunProgress {
  phase: Phase;
  /** Work units done / total over the whole run (steps of all trials, grid rows). */
  done: number;
  total: number;
}

/** What exists of a run before it completes (see `RunOptions.onPartial`). */
export interface RunPartial {
  /** The merged landscape, once all its row blocks are done. */
  landscape?: Landscape;
  /** SGD / GD results of the trial chunks done so far, merged in trial order (trials may be missing in between). */
  sgd?: MethodResult;
  gd?: MethodResult;
  /** SGD trials done so far (of config.trials). */
  trialsDone: number;
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

/** A failed run: `detail` says what, where and at which input. */
export class RunFailure extends Error {
  constructor(readonly detail: UserError) {
    super(detail.message);
    this.name = 'RunFailure';
  }
}

interface Slot {
  worker: Worker;
  busy: boolean;
}

interface Pending {
  msg: RunTaskMessage;
  phase: Phase;
  weight: number;
  resolve(r: TaskResult): void;
  reject(e: RunFailure): void;
  slot?: Slot;
  i32: Int32Array;
  lastBeat: number;
  lastBeatAt: number;
  stallMs: number;
  /** Progress of this task, as units done of its own total. */
  onDone(done: number, total: number): void;
  /** Why the watchdog terminated this task's worker. */
  killedFor?: UserError;
  /** When a worker took it (performance.now()). */
  startedAt?: number;
}

export const DEFAULT_WORKER_SCRIPT = join(__dirname, 'worker.js');

export class ExperimentRunner {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private readonly running = new Set<Pending>();
  private nextId = 1;
  private watchdog?: NodeJS.Timeout;
  private disposed = false;
  readonly size: number;

  constructor(private readonly opts: RunnerOptions = {}) {
    this.size = opts.workers && opts.workers > 0 ? opts.workers : Math.max(1, availableParallelism());
  }

  /** Runs the whole experiment; rejects with RunFailure (kind 'cancelled' when aborted). */
  async run(loss: LossRef, config: RunConfig, ro: RunOptions = {}): Promise<ExperimentResult> {
    if (this.disposed) throw new Error('runner disposed');
    const startedAt = new Date();
    const t0 = performance.now();
    const n = this.size;
    const T = totalSteps(config);
    const mine = new Set<Pending>();
    const progress = new Map<Pending, number>();
    let total = 0;
    const report = (phase: Phase) => {
      if (!ro.onProgress) return;
      let done = 0;
      for (const v of progress.values()) done += v;
      ro.onProgress({ phase, done, total });
    };
    // Phases overlap on the pool: each phase's time is the wall-clock span of its own tasks.
    const spans = new Map<Phase, { from: number; to: number }>();
    const submit = (task: Task, phase: Phase, weight: number, stallMs: number): Promise<TaskResult> => {
      total += weight;
      return new Promise<TaskResult>((resolveTask, reject) => {
        const resolve = (r: TaskResult) => {
          const span = spans.get(phase) ?? { from: Infinity, to: 0 };
          span.from = Math.min(span.from, p.startedAt ?? performance.now());
          span.to = Math.max(span.to, performance.now());
          spans.set(phase, span);
          resolveTask(r);
        };
        const shared = new SharedArrayBuffer(sharedBufferBytes(config.dim));
        const msg: RunTaskMessage = { type: 'task', id: this.nextId++, loss, config, task, shared };
        const p: Pending = {
          msg,
          phase,
          weight,
          resolve,
          reject,
          i32: new Int32Array(shared, 0, 2),
          lastBeat: 0,
          lastBeatAt: Date.now(),
          stallMs,
          onDone: (d, t) => {
            progress.set(p, (d / Math.max(1, t)) * weight);
            report(phase);
          },
        };
        mine.add(p);
        progress.set(p, 0);
        this.queue.push(p);
        this.pump();
      });
    };

    const cancelAll = () => {
      for (const p of mine) Atomics.store(p.i32, SHARED_CANCEL_INDEX, 1);
      // Queued tasks of this run never start.
      for (let i = this.queue.length - 1; i >= 0; i--) {
        if (mine.has(this.queue[i])) {
          const [p] = this.queue.splice(i, 1);
          p.reject(new RunFailure({ kind: 'cancelled', message: 'cancelled', exportName: loss.exportName }));
        }
      }
      // A worker stuck inside the loss cannot see the flag: terminate it after a grace period.
      setTimeout(() => {
        for (const p of mine) if (this.running.has(p) && p.slot) this.kill(p.slot);
      }, 1000).unref();
    };

    const stall = this.opts.stallMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const limits = new Promise<never>((_, reject) => {
      if (this.opts.timeLimitMs && this.opts.timeLimitMs > 0) {
        timer = setTimeout(() => {
          reject(
            new RunFailure({
              kind: 'timeout',
              message: `${loss.exportName}: the run took longer than the time limit of ${Math.round(this.opts.timeLimitMs! / 1000)} s (sgdLandscape.timeLimitSeconds)`,
              exportName: loss.exportName,
              file: loss.sourceFile,
            }),
          );
        }, this.opts.timeLimitMs);
      }
      if (ro.signal) {
        const abort = () => reject(new RunFailure({ kind: 'cancelled', message: 'cancelled', exportName: loss.exportName }));
        if (ro.signal.aborted) abort();
        else ro.signal.addEventListener('abort', abort, { once: true });
      }
    });

    // Partial results: per-chunk parts kept by chunk index, merged only when reported.
    const partial = {
      sgd: [] as Array<MethodResult | undefined>,
      gd: [] as Array<MethodResult | undefined>,
      landscape: undefined as Landscape | undefined,
      sgdDone: 0,
    };
    let settled = false;
    let partialTimer: NodeJS.Timeout | undefined;
    let lastPartialAt = -Infinity;
    const partialInterval = ro.partialIntervalMs ?? 250;
    const emitPartial = () => {
      partialTimer = undefined;
      if (settled || !ro.onPartial) return;
      lastPartialAt = performance.now();
      const merged = (parts: Array<MethodResult | undefined>) => {
        const done = parts.filter((p): p is MethodResult => !!p);
        return done.length ? mergeMethodResults(done) : undefined;
      };
      const p: RunPartial = { trialsDone: partial.sgdDone };
      if (partial.landscape) p.landscape = partial.landscape;
      const sgd = merged(partial.sgd);
      if (sgd) p.sgd = sgd;
      const gd = merged(partial.gd);
      if (gd) p.gd = gd;
      ro.onPartial(p);
    };
    /** Throttled: at once when the last report is old enough, else one trailing report. */
    const partialChanged = () => {
      if (settled || !ro.onPartial || partialTimer) return;
      const wait = lastPartialAt + partialInterval - performance.now();
      partialTimer = setTimeout(emitPartial, Math.max(0, wait));
      partialTimer.unref?.();
    };

    const work = async () => {
      // Trials and landscape rows are independent: queue them all at once.
      const chunks = (count: number, k: number) =>
        Array.from({ length: k }, (_, i) => [Math.floor((i * count) / k), Math.floor(((i + 1) * count) / k)] as const);
      // Trials: one chunk per worker, and for long runs up to 4 per worker (each of at least 8
      // trials and ~2M steps, ≈ 0.2 s) so partial results stream in. More chunks cost
      // throughput (measured: 1000 × 20000 steps on 2 workers, 1 chunk each ≈ 0.78 s, 4 each
      // ≈ 0.95 s), so short runs are not split further. Every trial has its own seeded stream,
      // so the split does not change the numbers.
      const wanted = Math.min(4 * n, Math.floor((config.trials * T) / 2e6), Math.floor(config.trials / 8));
      const trialChunks = Math.max(Math.min(config.trials, n), wanted);
      const trialTasks = (method: Method) =>
        chunks(config.trials, trialChunks).map(([from, to], i) =>
          submit({ kind: 'trials', method, from, to }, method, (to - from) * T, stall).then((r) => {
            const part = (r as { result: MethodResult }).result;
            partial[method][i] = part;
            if (method === 'sgd') partial.sgdDone += to - from;
            partialChanged();
            return r;
          }),
        );
      const rows = config.dim <= 2 ? config.resolution : (config.sliceDirections?.length ?? config.slices);
      // The landscape is queued first: the live charts draw over it. Its row blocks are weighted
      // like ~1/4 of a trial chunk: they are cheaper per unit.
      const landscapeP = Promise.all(
        chunks(rows, Math.min(rows, n)).map(([rowFrom, rowTo]) =>
          submit(
            { kind: 'landscape', rowFrom, rowTo, xStar: config.xStar },
            'landscape',
            ((rowTo - rowFrom) / rows) * Math.max(1, (config.trials * T) / 4),
            stall,
          ),
        ),
      ).then((parts) => {
        const lparts = parts.map((r) => (r as { result: Landscape }).result);
        partial.landscape = lparts.length === 1 ? lparts[0] : mergeLandscapes(lparts);
        partialChanged();
        return partial.landscape;
      });
      const sgdP = Promise.all(trialTasks('sgd'));
      const gdP = config.compareGd ? Promise.all(trialTasks('gd')) : Promise.resolve(undefined);
      // When one fails the run ends; the others' later rejections are expected, not unhandled.
      for (const p of [sgdP, gdP, landscapeP]) p.catch(() => undefined);
      const sgdParts = await sgdP;
      const gdParts = await gdP;
      const landscape = await landscapeP;
      const sgd = mergeMethodResults(sgdParts.map((r) => (r as { result: MethodResult }).result));
      const gd = gdParts ? mergeMethodResults(gdParts.map((r) => (r as { result: MethodResult }).result)) : undefined;
      const diag = (await submit(
        { kind: 'diagnostics', landscape, sgd, gd },
        'diagnostics',
        Math.max(1, (config.trials * T) / 20),
        Math.max(stall, 120_000),
      )) as {
        result: Diagnostics;
      };
      const tEnd = performance.now();
      const ms = (phase: Phase) => {
        const span = spans.get(phase);
        return span ? span.to - span.from : 0;
      };
      return assembleResult(
        config,
        sgd,
        gd,
        landscape,
        diag.result,
        {
          trialsMs: ms('sgd'),
          gdMs: ms('gd'),
          landscapeMs: ms('landscape'),
          diagnosticsMs: ms('diagnostics'),
          totalMs: tEnd - t0,
          workers: n,
        },
        startedAt,
        ro.source,
      );
    };

    try {
      return await Promise.race([work(), limits]);
    } catch (e) {
      cancelAll();
      throw e instanceof RunFailure ? e : new RunFailure({ kind: 'engine', message: String(e), exportName: loss.exportName });
    } finally {
      if (timer) clearTimeout(timer);
      settled = true;
      if (partialTimer) clearTimeout(partialTimer);
    }
  }

  /** Loads the module in a worker and reports its exports and `<name>Options` (never on this thread). */
  async inspect(loss: LossRef, signal?: AbortSignal): Promise<ModuleInfo> {
    const minimal: RunConfig = {
      function: loss.exportName,
      dim: 1,
      seed: '0',
      trials: 1,
      init: { low: [0], high: [1] },
      stages: [],
      domain: { low: [0], high: [1] },
      resolution: 3,
      compareGd: false,
      sampleTrajectories: 0,
      trajectoryPoints: 2,
      checkpoints: 2,
      probeRadius: 0,
      probeSamples: 1,
      histogramBin: 1,
      divergenceFactor: 1,
      fdStep: 0,
      slices: 1,
    };
    const shared = new SharedArrayBuffer(sharedBufferBytes(1));
    const i32 = new Int32Array(shared, 0, 2);
    const stall = this.opts.stallMs ?? 10_000;
    return new Promise<ModuleInfo>((resolve, reject) => {
      const p: Pending = {
        msg: { type: 'task', id: this.nextId++, loss, config: minimal, task: { kind: 'inspect' }, shared },
        phase: 'sgd',
        weight: 1,
        resolve: (r) => resolve((r as { result: ModuleInfo }).result),
        reject,
        i32,
        lastBeat: 0,
        lastBeatAt: Date.now(),
        stallMs: stall,
        onDone: () => {},
      };
      signal?.addEventListener('abort', () => Atomics.store(i32, SHARED_CANCEL_INDEX, 1), { once: true });
      this.queue.push(p);
      this.pump();
    });
  }

  /** Terminates all workers. */
  dispose(): void {
    this.disposed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    for (const s of this.slots) void s.worker.terminate();
    this.slots.length = 0;
    for (const p of [...this.queue, ...this.running]) {
      p.reject(new RunFailure({ kind: 'cancelled', message: 'the runner was disposed', exportName: p.msg.loss.exportName }));
    }
    this.queue.length = 0;
    this.running.clear();
  }

  private pump(): void {
    while (this.queue.length) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const p = this.queue.shift()!;
      slot.busy = true;
      p.slot = slot;
      p.lastBeatAt = Date.now();
      this.running.add(p);
      p.startedAt = performance.now();
      slot.worker.postMessage(p.msg);
    }
    this.ensureWatchdog();
  }

  private spawn(): Slot {
    const worker = new Worker(this.opts.workerScript ?? DEFAULT_WORKER_SCRIPT, {
      resourceLimits: this.opts.memoryLimitMb ? { maxOldGenerationSizeMb: this.opts.memoryLimitMb } : undefined,
      stdout: false,
      stderr: false,
    });
    worker.unref();
    const slot: Slot = { worker, busy: false };
    worker.on('message', (m: WorkerToHost) => this.onMessage(slot, m));
    worker.on('error', (err: Error & { code?: string }) => this.onWorkerDeath(slot, err));
    worker.on('exit', (code) => {
      if (this.slots.includes(slot)) this.onWorkerDeath(slot, new Error(`worker exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  private taskOf(slot: Slot): Pending | undefined {
    for (const p of this.running) if (p.slot === slot) return p;
    return undefined;
  }

  private onMessage(slot: Slot, m: WorkerToHost): void {
    const p = this.taskOf(slot);
    if (!p || p.msg.id !== m.id) return;
    if (m.type === 'progress') {
      p.onDone(m.done, m.total);
      return;
    }
    this.running.delete(p);
    slot.busy = false;
    if (m.type === 'result') {
      p.onDone(1, 1);
      p.resolve(m.result);
    } else {
      p.reject(new RunFailure(m.error));
    }
    this.pump();
  }

  private onWorkerDeath(slot: Slot, err: Error & { code?: string }): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    const p = this.taskOf(slot);
    if (p) {
      this.running.delete(p);
      const name = p.msg.loss.exportName;
      if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
        p.reject(
          new RunFailure({
            kind: 'memory',
            message: `${name} ran out of memory (worker heap limit ${this.opts.memoryLimitMb ?? 'default'} MB, sgdLandscape.memoryLimitMb)${inputText(p)}`,
            exportName: name,
            file: p.msg.loss.sourceFile,
            input: probeInput(p),
          }),
        );
      } else if (!p.killedFor) {
        p.reject(new RunFailure({ kind: 'engine', message: `worker stopped: ${err.message}`, exportName: name }));
      } else {
        p.reject(new RunFailure(p.killedFor!));
      }
    }
    void slot.worker.terminate();
    this.pump();
  }

  private kill(slot: Slot, reason?: UserError): void {
    const p = this.taskOf(slot);
    if (p && reason) p.killedFor = reason;
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    void slot.worker.terminate().then(() => {
      if (p && this.running.has(p)) {
        this.running.delete(p);
        p.reject(new RunFailure(reason ?? { kind: 'cancelled', message: 'cancelled', exportName: p.msg.loss.exportName }));
      }
      this.pump();
    });
  }

  private ensureWatchdog(): void {
    if (this.watchdog) return;
    this.watchdog = setInterval(() => {
      if (this.running.size === 0 && this.queue.length === 0) {
        clearInterval(this.watchdog);
        this.watchdog = undefined;
        return;
      }
      const now = Date.now();
      for (const p of this.running) {
        const beat = Atomics.load(p.i32, SHARED_HEARTBEAT_INDEX);
        if (beat !== p.lastBeat) {
          p.lastBeat = beat;
          p.lastBeatAt = now;
        } else if (beat === 0) {
          // Not picked up yet: its worker thread is still starting, which takes seconds on a
          // loaded machine. That is not the user's code; the stall limit runs from the pick-up.
          p.lastBeatAt = now;
        } else if (now - p.lastBeatAt > p.stallMs && p.slot) {
          const name = p.msg.loss.exportName;
          this.kill(p.slot, {
            kind: 'timeout',
            message: `${name} did not return within ${Math.round(p.stallMs / 1000)} s${inputText(p)}; the worker was stopped (sgdLandscape.stallSeconds)`,
            exportName: name,
            file: p.msg.loss.sourceFile,
            input: probeInput(p),
          });
        }
      }
    }, 200);
    this.watchdog.unref();
  }
}

function probeInput(p: Pending): number[] | undefined {
  if (p.msg.task.kind !== 'trials') return undefined;
  const v = new Float64Array(p.msg.shared, SHARED_INPUT_OFFSET, Math.max(1, p.msg.config.dim));
  return Array.from(v);
}

function inputText(p: Pending): string {
  const x = probeInput(p);
  return x ? ` at x ≈ [${x.map((v) => +v.toPrecision(6)).join(', ')}]` : '';
}
